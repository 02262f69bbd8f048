package dev.pledge.saga.store;

/** Rows were committed to the outbox: whoever publishes them may go now rather than at its next sweep. */
public record OutboxWritten() {
}
