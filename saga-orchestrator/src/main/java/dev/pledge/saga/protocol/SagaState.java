package dev.pledge.saga.protocol;

import java.util.List;

/**
 * Where a saga stands, as a small value. RUNNING: step {@code current}'s command, try {@code attempt}, is
 * out. COMPENSATING: {@code pending} lists the steps still to undo, in order, the first being undone now.
 */
public record SagaState(Status status, int current, int attempt, List<Integer> pending, String reason) {

    public enum Status {
        RUNNING, COMPENSATING, COMPLETED, COMPENSATED;

        public boolean isFinal() {
            return this == COMPLETED || this == COMPENSATED;
        }
    }

    public SagaState {
        pending = List.copyOf(pending);
    }

    static SagaState running(int step, int attempt) {
        return new SagaState(Status.RUNNING, step, attempt, List.of(), null);
    }

    static SagaState compensating(List<Integer> pending, int attempt, String reason) {
        return new SagaState(Status.COMPENSATING, pending.get(0), attempt, pending, reason);
    }

    static SagaState finished(Status status, String reason) {
        return new SagaState(status, -1, 0, List.of(), reason);
    }
}
