package dev.pledge.saga.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.common.tracing.Traces;

/** Commands waiting to be published, written in the same transaction as the state change that sends them. */
@ApplicationScoped
public class SagaOutbox {

    /** A command to publish, with the traceparent of the change that wrote it. */
    public record Pending(long id, long timelineId, String topic, String key, String payload, String traceparent) {
    }

    /**
     * Writes a command in the caller's transaction, in the trace current now, or else (a timer, a recovery
     * pass) in the trace of the request that started the saga.
     */
    public void enqueue(Connection c, UUID saga, long timelineId, String topic, String payload, Instant notBefore)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO saga_outbox (saga_id, timeline_id, topic, message_key,"
                + " payload, not_before, trace_parent)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, coalesce(?, (SELECT trace_parent FROM sagas WHERE id = ?)))")) {
            ps.setObject(1, saga);
            ps.setLong(2, timelineId);
            ps.setString(3, topic);
            ps.setString(4, saga.toString());
            ps.setString(5, payload);
            ps.setTimestamp(6, Timestamp.from(notBefore));
            ps.setString(7, Traces.current());
            ps.setObject(8, saga);
            ps.executeUpdate();
        }
    }

    /** Rows due now, oldest first, locked; rows a concurrent relay holds are skipped. */
    public List<Pending> due(Connection c, int limit) throws SQLException {
        List<Pending> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, timeline_id, topic, message_key, payload::text, trace_parent"
                + " FROM saga_outbox WHERE published_at IS NULL AND not_before <= now() ORDER BY id LIMIT " + limit
                + " FOR UPDATE SKIP LOCKED");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6)));
            }
        }
        return rows;
    }

    /** When the next delayed row falls due, if any. */
    public Optional<Instant> nextDue(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT min(not_before) FROM saga_outbox WHERE published_at IS NULL AND not_before > now()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return Optional.ofNullable(t).map(Timestamp::toInstant);
        }
    }

    public void markPublished(Connection c, long id, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE saga_outbox SET published_at = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }
}
