package dev.pledge.coordinator.protocol;

import dev.pledge.common.protocol.BranchState;

/** A participant's answer to a message of the protocol: the state its branch is in now. */
public record Ack(String participant, BranchState state) {
}
