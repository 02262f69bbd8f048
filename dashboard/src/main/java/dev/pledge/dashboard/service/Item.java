package dev.pledge.dashboard.service;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One row of the activity list: a global transaction or a saga.
 *
 * @param inDoubt a transaction not yet ended while a participant holds its branch prepared (and its locks)
 */
public record Item(String kind, String id, String protocol, String flow, String state, String outcome,
                   @JsonProperty("final") boolean isFinal, boolean inDoubt, Instant createdAt, Instant updatedAt,
                   long ageMs, String summary) {
    public static final String TRANSACTION = "transaction";
    public static final String SAGA = "saga";
}
