package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.protocol.Protocol;

/** Runs a global transaction with the protocol asked for. */
@ApplicationScoped
public class Coordinator {

    @Inject
    TwoPhaseCommit twoPhaseCommit;
    @Inject
    ThreePhaseCommit threePhaseCommit;

    /** @param key the client's idempotency key, or null */
    public UUID run(Protocol protocol, List<BranchSpec> branches, Duration timeout, IdempotencyKey key) {
        return switch (protocol) {
            case TWO_PC -> twoPhaseCommit.run(branches, timeout, key);
            case THREE_PC -> threePhaseCommit.run(branches, timeout, key);
        };
    }
}
