package dev.pledge.dashboard.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A service answered 4xx/5xx: its problem body is passed on to the page with the same status. */
public class UpstreamProblem extends RuntimeException {
    private final int status;
    private final JsonNode body;

    public UpstreamProblem(String service, int status, JsonNode body) {
        super(service + " answered " + status + (body.hasNonNull("detail") ? ": " + body.get("detail").asText() : ""));
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public JsonNode body() {
        return body;
    }
}
