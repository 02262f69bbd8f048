package dev.pledge.saga.protocol;

import java.time.Duration;

/** What the orchestrator must do after a transition. */
public sealed interface SagaAction {

    /** Send a step's command (or its compensation) after {@code delay}, and start its timeout. */
    record Send(int step, boolean compensation, int attempt, Duration delay, Duration timeout) implements SagaAction {
    }

    /** The saga reached its end. */
    record Finish(SagaState.Status status, String reason) implements SagaAction {
    }
}
