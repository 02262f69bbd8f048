package dev.pledge.saga.service;

import java.time.Instant;

/** Where a received message sat in Kafka. */
public record Received(String topic, int partition, long offset, Instant timestamp) {
}
