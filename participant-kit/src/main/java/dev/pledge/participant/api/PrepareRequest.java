package dev.pledge.participant.api;

import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.databind.JsonNode;

/** The body of a prepare: the operation this participant's business action understands. */
public record PrepareRequest(@NotNull JsonNode operation) {
}
