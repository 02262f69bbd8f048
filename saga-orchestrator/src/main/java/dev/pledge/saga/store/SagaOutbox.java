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

import dev.pledge.common.tracing.Traces;

/** Commands waiting to be published, written in the same transaction as the state change that sends them. */
@ApplicationScoped
public class SagaOutbox {

    /** How far ahead {@link #due} looks for rows that fall due soon, so a relay can wake up for them. */
    public static final java.time.Duration LOOKAHEAD = java.time.Duration.ofSeconds(1);

    /**
     * A command to publish, with the traceparent of the change that wrote it, and when it may go out:
     * {@code due} when that time has come.
     */
    public record Pending(long id, long timelineId, String topic, String key, String payload, String traceparent,
                          Instant notBefore, boolean due) {
    }

    /** Where the broker put a published row's record. */
    public record Landed(long id, int partition, long offset) {
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

    /**
     * Rows due now, oldest first, then those due within {@link #LOOKAHEAD}, locked; rows a concurrent relay holds
     * are skipped. One query tells a relay what to send now and when to wake up next.
     */
    public List<Pending> due(Connection c, int limit) throws SQLException {
        List<Pending> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, timeline_id, topic, message_key, payload::text, trace_parent,"
                + " not_before, not_before <= now() FROM saga_outbox WHERE published_at IS NULL"
                + " AND not_before <= now() + make_interval(secs => " + LOOKAHEAD.toSeconds() + ")"
                + " ORDER BY not_before <= now() DESC, id LIMIT " + limit
                + " FOR UPDATE SKIP LOCKED");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getBoolean(8)));
            }
        }
        return rows;
    }

    /**
     * Marks rows published and records in each one's timeline entry where its record landed, in one statement.
     */
    public void markPublished(Connection c, List<Landed> landed, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH marked AS (UPDATE saga_outbox o SET published_at = ?"
                + " FROM unnest(?::bigint[], ?::int[], ?::bigint[]) AS p(id, kafka_partition, kafka_offset) WHERE o.id = p.id"
                + " RETURNING o.timeline_id, o.topic, p.kafka_partition, p.kafka_offset)"
                + " UPDATE saga_steps s SET topic = m.topic, kafka_partition = m.kafka_partition, kafka_offset = m.kafka_offset,"
                + " published_at = ? FROM marked m WHERE s.id = m.timeline_id")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setArray(2, c.createArrayOf("bigint", landed.stream().map(Landed::id).toArray()));
            ps.setArray(3, c.createArrayOf("integer", landed.stream().map(Landed::partition).toArray()));
            ps.setArray(4, c.createArrayOf("bigint", landed.stream().map(Landed::offset).toArray()));
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
    }
}
