package dev.pledge.participant.saga;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A saga step's command to this participant. {@code kind} says whether it does (ACTION) or undoes
 * (COMPENSATION) the step; {@code action} names the participant's verb (reserve, confirm, release, charge,
 * refund). The reply goes to {@code replyTopic}, keyed by the saga id.
 */
public record SagaCommand(UUID sagaId, String step, Kind kind, String action, int attempt, JsonNode operation,
                          String replyTopic) {

    public enum Kind {
        ACTION, COMPENSATION
    }
}
