package dev.pledge.saga;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import dev.pledge.saga.store.Tx;

/** Reads a saga's rows straight from the orchestrator's database, and removes the sagas a test started. */
final class SagaRows {
    private final DataSource db;

    SagaRows(DataSource db) {
        this.db = db;
    }

    String status(UUID saga) throws SQLException {
        return query("SELECT state FROM sagas WHERE id = ?", saga).toString();
    }

    boolean ended(UUID saga) {
        try {
            return List.of("COMPLETED", "COMPENSATED").contains(status(saga));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read saga " + saga, e);
        }
    }

    /** Lines of one kind in the saga's timeline. */
    long timeline(UUID saga, String kind) throws SQLException {
        return (Long) query("SELECT count(*) FROM saga_steps WHERE saga_id = ? AND kind = '" + kind + "'", saga);
    }

    /** Lines of one kind for one attempt in the saga's timeline. */
    long timeline(UUID saga, String kind, int attempt) throws SQLException {
        return (Long) query("SELECT count(*) FROM saga_steps WHERE saga_id = ? AND kind = '" + kind + "' AND attempt = "
                + attempt, saga);
    }

    /** Lines of one kind for one step in the saga's timeline. */
    long timeline(UUID saga, String step, String kind) throws SQLException {
        return (Long) query("SELECT count(*) FROM saga_steps WHERE saga_id = ? AND step = '" + step + "' AND kind = '"
                + kind + "'", saga);
    }

    /** Commands in the outbox for one attempt of one step, published or not. */
    long commands(UUID saga, String step, int attempt) throws SQLException {
        return (Long) query("SELECT count(*) FROM saga_outbox WHERE saga_id = ? AND payload ->> 'step' = '" + step
                + "' AND (payload ->> 'attempt')::int = " + attempt, saga);
    }

    long unpublished(UUID saga) throws SQLException {
        return (Long) query("SELECT count(*) FROM saga_outbox WHERE saga_id = ? AND published_at IS NULL", saga);
    }

    void update(String sql, List<UUID> sagas) throws SQLException {
        try (Connection c = db.getConnection()) {
            update(c, sql, sagas);
        }
    }

    /** Runs {@code sql} with the sagas' ids as its one parameter, an array. */
    static void update(Connection c, String sql, List<UUID> sagas) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", sagas.toArray()));
            ps.execute();
        }
    }

    /** Removes the sagas and all their rows, locking them first as the engine does. */
    void forget(List<UUID> sagas) throws SQLException {
        if (sagas.isEmpty()) {
            return;
        }
        Tx.run(db, c -> {
            update(c, "SELECT id FROM sagas WHERE id = ANY (?) FOR UPDATE", sagas);
            for (String table : List.of("saga_timers", "saga_outbox", "saga_steps")) {
                update(c, "DELETE FROM " + table + " WHERE saga_id = ANY (?)", sagas);
            }
            update(c, "DELETE FROM sagas WHERE id = ANY (?)", sagas);
            return null;
        });
    }

    private Object query(String sql, UUID saga) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        }
    }
}
