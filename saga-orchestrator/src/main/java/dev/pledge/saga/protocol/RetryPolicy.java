package dev.pledge.saga.protocol;

import java.time.Duration;

/** How often a step's command is sent before the step counts as failed, and the pause between sends. */
public record RetryPolicy(int maxAttempts, Duration backoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("a step is tried at least once");
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff cannot be negative");
        }
    }

    public static RetryPolicy once() {
        return new RetryPolicy(1, Duration.ZERO);
    }

    /** The pause before attempt {@code attempt} (2, 3, ...): the backoff doubled each time. */
    public Duration delayBefore(int attempt) {
        return backoff.multipliedBy(1L << Math.min(10, Math.max(0, attempt - 2)));
    }
}
