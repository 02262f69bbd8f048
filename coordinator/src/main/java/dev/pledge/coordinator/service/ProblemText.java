package dev.pledge.coordinator.service;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

/** The human part of a participant's error answer: the problem's detail when it sent one. */
final class ProblemText {
    private ProblemText() {
    }

    static String of(WebApplicationException e) {
        Response r = e.getResponse();
        try {
            if (r.hasEntity() || r.bufferEntity()) {
                JsonNode body = r.readEntity(JsonNode.class);
                if (body != null && body.hasNonNull("detail")) {
                    return body.get("detail").asText();
                }
            }
        } catch (RuntimeException unreadable) {
            // fall back to the status line
        }
        return r.getStatusInfo().getReasonPhrase();
    }
}
