package dev.pledge.saga.protocol;

/**
 * What can happen to a saga: a reply to a step's command or to its compensation, or a timeout. Each names
 * the step and the attempt it answers, so a late or repeated reply is recognised and ignored.
 */
public sealed interface SagaEvent {
    int step();

    int attempt();

    /** The step's action took effect. */
    record Succeeded(int step, int attempt) implements SagaEvent {
    }

    /**
     * The step's action did not take effect. A business refusal (out of stock, insufficient funds) is final;
     * a technical failure is retried like a timeout.
     */
    record Failed(int step, int attempt, String reason, boolean retryable) implements SagaEvent {
    }

    /** No reply within the step's timeout: the outcome is unknown. */
    record TimedOut(int step, int attempt, boolean compensation) implements SagaEvent {
    }

    record Compensated(int step, int attempt) implements SagaEvent {
    }

    record CompensationFailed(int step, int attempt, String reason) implements SagaEvent {
    }
}
