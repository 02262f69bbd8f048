package dev.pledge.saga.protocol;

import java.time.Instant;

/**
 * Where one step stands: its phase, the attempt now out (of its action or of its compensation), and when
 * its action was first sent (forward recovery retries until a deadline counted from then).
 */
public record StepState(Phase phase, int attempt, Instant since) {

    public enum Phase {
        /** Not started. */
        PENDING,
        /** The action's command is out. */
        ACTING,
        /** The action took effect. */
        DONE,
        /** The participant refused: nothing changed, nothing to undo. */
        REFUSED,
        /** No answer after every retry: the action may or may not have taken effect, so it is undone too. */
        UNKNOWN,
        /** The compensation's command is out. */
        COMPENSATING,
        /** Undone (or there was nothing to undo). */
        COMPENSATED
    }

    static StepState pending() {
        return new StepState(Phase.PENDING, 0, null);
    }

    StepState with(Phase phase, int attempt) {
        return new StepState(phase, attempt, since);
    }
}
