package dev.pledge.coordinator.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * How an order whose attempt aborted only because of lock conflicts is tried again: as a new attempt, after a
 * random pause (full jitter: up to {@code backoff} doubled per attempt, at most {@code max-backoff}), as long as
 * the order's timeout leaves time, and at most {@code max-attempts} attempts in all.
 */
public interface ConflictRetries {
    /** Attempts per order in all, the first included; 1 turns retries off. */
    @WithDefault("10")
    int maxAttempts();

    @WithDefault("20ms")
    Duration backoff();

    @WithDefault("500ms")
    Duration maxBackoff();
}
