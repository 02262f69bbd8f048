package dev.pledge.participant.contention;

import java.time.Duration;

/** A prepare's wait for row locks ended (it got them, gave way or timed out): fired for whoever measures it. */
public record LockWaitEnded(String policy, Duration took) {
}
