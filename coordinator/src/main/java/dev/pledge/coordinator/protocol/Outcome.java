package dev.pledge.coordinator.protocol;

/**
 * The answer to a client: committed, aborted, in doubt while phase 2 could not finish yet, or mixed when
 * the participants ended it differently (see {@link TxState#MIXED}).
 */
public enum Outcome {
    COMMITTED, ABORTED, IN_DOUBT, MIXED
}
