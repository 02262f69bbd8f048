package dev.pledge.participant.saga;

import java.util.UUID;

/**
 * This participant's answer to a saga command. DONE: the effect happened (now, or the first time the same
 * command came). REFUSED: a business refusal, nothing changed. SKIPPED: nothing to do (a compensation whose
 * action never took effect, or an action that came after its compensation).
 */
public record SagaReply(UUID sagaId, String step, SagaCommand.Kind kind, String action, int attempt, Outcome outcome,
                        String reason, String participant) {

    public enum Outcome {
        DONE, REFUSED, SKIPPED
    }
}
