package dev.pledge.saga.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/** The timeouts of the commands now out: one row per (saga, step, action or compensation, attempt). */
@ApplicationScoped
public class Timers {

    public record Timer(UUID saga, int step, boolean compensation, int attempt) {
    }

    public void start(Connection c, Timer t, Instant due) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO saga_timers (saga_id, step, compensation, attempt, due_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, t.saga());
            ps.setInt(2, t.step());
            ps.setBoolean(3, t.compensation());
            ps.setInt(4, t.attempt());
            ps.setTimestamp(5, Timestamp.from(due));
            ps.executeUpdate();
        }
    }

    /** Timers due by {@code now}, oldest first. */
    public List<Timer> due(Connection c, Instant now, int limit) throws SQLException {
        List<Timer> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT saga_id, step, compensation, attempt FROM saga_timers"
                + " WHERE due_at <= ? ORDER BY due_at LIMIT " + limit)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Timer(rs.getObject(1, UUID.class), rs.getInt(2), rs.getBoolean(3), rs.getInt(4)));
                }
            }
        }
        return out;
    }

    /** Removes a timer; false when another transaction took it first (or it was already gone). */
    public boolean take(Connection c, Timer t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM saga_timers WHERE saga_id = ? AND step = ?"
                + " AND compensation = ? AND attempt = ?")) {
            ps.setObject(1, t.saga());
            ps.setInt(2, t.step());
            ps.setBoolean(3, t.compensation());
            ps.setInt(4, t.attempt());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Moves every timer due before {@code until} to {@code until}; returns how many moved. A timer another
     * instance holds now (firing it, or taking it with a reply) is left to that instance: waiting for it
     * would only delay the start, and could deadlock with a transaction that cancels several of a saga's
     * timers.
     */
    public int deferDue(Connection c, Instant until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE saga_timers SET due_at = ?"
                + " WHERE (saga_id, step, compensation, attempt) IN (SELECT saga_id, step, compensation, attempt"
                + " FROM saga_timers WHERE due_at < ? FOR UPDATE SKIP LOCKED)")) {
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setTimestamp(2, Timestamp.from(until));
            return ps.executeUpdate();
        }
    }

    public void cancelAll(Connection c, UUID saga) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM saga_timers WHERE saga_id = ?")) {
            ps.setObject(1, saga);
            ps.executeUpdate();
        }
    }
}
