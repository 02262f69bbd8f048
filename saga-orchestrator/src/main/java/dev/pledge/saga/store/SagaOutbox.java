package dev.pledge.saga.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.common.tracing.Traces;

/** Commands waiting to be published, written in the same transaction as the state change that sends them. */
@ApplicationScoped
public class SagaOutbox {

    /** A command to publish, with the traceparent of the change that wrote it, and when it may go out. */
    public record Pending(long id, long timelineId, String topic, String key, String payload, String traceparent,
                          Instant notBefore) {
    }

    /** Where the broker put a published row's record. */
    public record Landed(long id, int partition, long offset) {
    }

    /**
     * Writes a command in the caller's transaction, in the trace current now, or else (a timer, a recovery
     * pass) in the trace of the request that started the saga. Returns the row, to be sent once the
     * transaction has committed.
     */
    public Pending enqueue(Connection c, UUID saga, long timelineId, String topic, String payload, Instant notBefore)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO saga_outbox (saga_id, timeline_id, topic, message_key,"
                + " payload, not_before, trace_parent)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, coalesce(?, (SELECT trace_parent FROM sagas WHERE id = ?)))"
                + " RETURNING id, trace_parent")) {
            ps.setObject(1, saga);
            ps.setLong(2, timelineId);
            ps.setString(3, topic);
            ps.setString(4, saga.toString());
            ps.setString(5, payload);
            ps.setTimestamp(6, Timestamp.from(notBefore));
            ps.setString(7, Traces.current());
            ps.setObject(8, saga);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Pending(rs.getLong(1), timelineId, topic, saga.toString(), payload, rs.getString(2), notBefore);
            }
        }
    }

    /**
     * Rows due for longer than {@code grace} (until then they are their writer's to send), oldest first, locked;
     * rows a concurrent relay holds and the rows {@code inFlight} (sent by this process, not yet marked) are
     * skipped.
     */
    public List<Pending> leftToRelay(Connection c, int limit, Duration grace, List<Long> inFlight) throws SQLException {
        List<Pending> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, timeline_id, topic, message_key, payload::text, trace_parent,"
                + " not_before FROM saga_outbox WHERE published_at IS NULL"
                + " AND not_before <= now() - make_interval(secs => ?) AND id <> ALL (?)"
                + " ORDER BY not_before, id LIMIT " + limit + " FOR UPDATE SKIP LOCKED")) {
            ps.setDouble(1, grace.toMillis() / 1000.0);
            ps.setArray(2, c.createArrayOf("bigint", inFlight.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getTimestamp(7).toInstant()));
                }
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
