package dev.pledge.coordinator.protocol;

/** The answer to a client: committed, aborted, or in doubt while phase 2 could not finish yet. */
public enum Outcome {
    COMMITTED, ABORTED, IN_DOUBT
}
