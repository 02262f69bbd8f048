package dev.pledge.saga.service;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A participant's reply to a saga command, as it arrives on the reply topic. {@code kind} is ACTION or
 * COMPENSATION; {@code outcome} is DONE, REFUSED or SKIPPED.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplyMessage(UUID sagaId, String step, String kind, String action, int attempt, String outcome,
                           String reason, String participant) {

    public boolean complete() {
        return sagaId != null && step != null && kind != null && outcome != null && attempt >= 1;
    }

    public boolean aboutCompensation() {
        return "COMPENSATION".equals(kind);
    }
}
