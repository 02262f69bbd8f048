package dev.pledge.saga.protocol;

import java.time.Instant;

/**
 * What can happen to a saga: a reply to a step's command or to its compensation, or a timeout. Each names
 * the step and the attempt it answers, so a late or repeated reply is recognised and ignored, and when it
 * happened, so forward recovery can tell whether its deadline has passed.
 */
public sealed interface SagaEvent {
    int step();

    int attempt();

    Instant at();

    /** Whether the event answers a compensation rather than the step's action. */
    default boolean aboutCompensation() {
        return false;
    }

    /** The step's action took effect. */
    record Succeeded(int step, int attempt, Instant at) implements SagaEvent {
    }

    /**
     * The step's action did not take effect. A business refusal (out of stock, insufficient funds) is final
     * unless the flow recovers forward; a technical failure is retried like a timeout.
     */
    record Failed(int step, int attempt, String reason, boolean retryable, Instant at) implements SagaEvent {
    }

    /** No reply within the step's timeout: the outcome is unknown. */
    record TimedOut(int step, int attempt, boolean compensation, Instant at) implements SagaEvent {
        @Override
        public boolean aboutCompensation() {
            return compensation;
        }
    }

    record Compensated(int step, int attempt, Instant at) implements SagaEvent {
        @Override
        public boolean aboutCompensation() {
            return true;
        }
    }

    record CompensationFailed(int step, int attempt, String reason, Instant at) implements SagaEvent {
        @Override
        public boolean aboutCompensation() {
            return true;
        }
    }
}
