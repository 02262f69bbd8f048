package dev.pledge.saga.protocol;

import java.util.List;

/** Where a saga stands, as a small value: its status, each step's state, and why it is being undone. */
public record SagaState(Status status, List<StepState> steps, String reason) {

    public enum Status {
        RUNNING, COMPENSATING, COMPLETED, COMPENSATED;

        public boolean isFinal() {
            return this == COMPLETED || this == COMPENSATED;
        }
    }

    public SagaState {
        steps = List.copyOf(steps);
    }

    public StepState step(int index) {
        return steps.get(index);
    }

    /** The highest attempt of any step's command now out: how hard the saga is struggling. */
    public int maxAttempt() {
        return steps.stream().filter(s -> s.phase() == StepState.Phase.ACTING || s.phase() == StepState.Phase.COMPENSATING)
                .mapToInt(StepState::attempt).max().orElse(0);
    }
}
