package dev.pledge.dashboard.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A branch a participant holds prepared, with the table locks and rows that keep other orders waiting. */
public record Held(String participant, String gid, Instant preparedAt, long ageMs, List<Lock> locks,
                   Map<String, List<String>> rows) {

    public record Lock(String table, String mode) {
    }

    /** The global transaction the branch belongs to ({@code <transaction id>.<participant>}), if it names one. */
    public Optional<String> transactionId() {
        return transactionOf(gid);
    }

    /** The global transaction a branch's gid names ({@code <transaction id>.<participant>}), if it names one. */
    public static Optional<String> transactionOf(String gid) {
        int dot = gid.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String id = gid.substring(0, dot);
        try {
            return Optional.of(UUID.fromString(id).toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
