package dev.pledge.saga.service;

import java.time.Duration;

import dev.pledge.saga.protocol.Flow;

/**
 * What happened to a saga, fired inside the local transaction that wrote it, for whoever counts (the metrics
 * count only what commits).
 */
public sealed interface SagaSignal {

    /** A saga reached its end ({@code status}: COMPLETED, COMPENSATED, ...) this long after it started. */
    record Ended(Flow flow, String status, Duration took) implements SagaSignal {
    }

    /** A step's command (or its compensation) was sent again. */
    record Retried(Flow flow, String step, boolean compensation) implements SagaSignal {
    }

    /** A step's compensation was sent for the first time. */
    record Compensating(Flow flow, String step) implements SagaSignal {
    }

    /** A command (or a compensation) got no reply in time. */
    record TimedOut(Flow flow, String step, boolean compensation) implements SagaSignal {
    }
}
