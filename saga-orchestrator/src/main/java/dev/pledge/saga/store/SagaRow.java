package dev.pledge.saga.store;

import java.time.Instant;
import java.util.UUID;

import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.SagaState;

/**
 * A saga instance as stored: its flow, the state machine's value, the order it carries, and the W3C
 * traceparent of the request that started it (null when it was not traced).
 */
public record SagaRow(UUID id, String kind, Flow flow, SagaState state, String payload, Instant createdAt,
                      Instant updatedAt, Instant finishedAt, String traceparent) {
}
