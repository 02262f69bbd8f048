package dev.pledge.coordinator.log;

import java.util.UUID;

/**
 * A write to a transaction this replica no longer drives: another replica took it over (its lease here had
 * expired, or an operator acted through that replica), and the transaction's epoch moved on. The write did
 * not happen; the replica that owns the transaction now finishes it.
 */
public class TakenOver extends IllegalStateException {
    private final UUID id;
    private final String owner;

    public TakenOver(UUID id, String owner, long epoch, long expected) {
        super("transaction " + id + " is now driven by " + (owner == null ? "no replica" : owner) + " under epoch " + epoch
                + ", not under this replica's epoch " + expected);
        this.id = id;
        this.owner = owner;
    }

    public UUID id() {
        return id;
    }

    public String owner() {
        return owner;
    }
}
