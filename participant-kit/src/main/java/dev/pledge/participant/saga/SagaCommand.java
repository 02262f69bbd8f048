package dev.pledge.participant.saga;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A saga step's command to this participant: do (ACTION) or undo (COMPENSATION) an operation. */
public record SagaCommand(UUID sagaId, String step, Kind kind, int attempt, JsonNode operation, String replyTopic) {

    public enum Kind {
        ACTION, COMPENSATION
    }
}
