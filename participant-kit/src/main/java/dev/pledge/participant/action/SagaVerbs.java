package dev.pledge.participant.action;

import java.util.Optional;

/**
 * The names saga commands use for a participant's operation: the action (e.g. {@code reserve}), the
 * compensation that undoes it ({@code release}) and, optionally, a confirmation that makes it final
 * ({@code confirm}).
 */
public record SagaVerbs(String action, String compensation, Optional<String> confirmation) {

    /** What a command's verb asks of the participant. */
    public enum Use {
        ACTION, COMPENSATION, CONFIRMATION
    }

    public static SagaVerbs of(String action, String compensation) {
        return new SagaVerbs(action, compensation, Optional.empty());
    }

    public SagaVerbs withConfirmation(String confirmation) {
        return new SagaVerbs(action, compensation, Optional.of(confirmation));
    }

    public Optional<Use> use(String verb) {
        if (action.equals(verb)) {
            return Optional.of(Use.ACTION);
        }
        if (compensation.equals(verb)) {
            return Optional.of(Use.COMPENSATION);
        }
        return confirmation.filter(verb::equals).map(v -> Use.CONFIRMATION);
    }

    @Override
    public String toString() {
        return action + ", " + compensation + confirmation.map(c -> ", " + c).orElse("");
    }
}
