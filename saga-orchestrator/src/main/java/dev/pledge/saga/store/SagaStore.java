package dev.pledge.saga.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.tracing.Traces;
import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.SagaState;

/** Saga instances and their timelines in the orchestrator's PostgreSQL, over plain JDBC. */
@ApplicationScoped
public class SagaStore {
    private static final String COLUMNS = "id, kind, flow, machine::text, payload::text, created_at, updated_at, finished_at,"
            + " trace_parent";

    @Inject
    ObjectMapper json;

    /** @param key the client's idempotency key, or null; a key already taken fails the insert (23505) */
    public void insert(Connection c, UUID id, Flow flow, SagaState state, String payload, Instant now,
            IdempotencyKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, kind, state, payload, created_at, updated_at,"
                + " flow, machine, reason, idempotency_key, request_hash, trace_parent)"
                + " VALUES (?, 'order', ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setString(2, state.status().name());
            ps.setString(3, payload);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setString(6, flow.label());
            ps.setString(7, write(state));
            ps.setString(8, state.reason());
            ps.setString(9, key == null ? null : key.key());
            ps.setString(10, key == null ? null : key.requestHash());
            ps.setString(11, Traces.current());
            ps.executeUpdate();
        }
    }

    /** The saga a client's idempotency key started, and the fingerprint of the request that started it. */
    public record Keyed(UUID id, String requestHash) {
    }

    public Optional<Keyed> byIdempotencyKey(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, request_hash FROM sagas WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Keyed(rs.getObject(1, UUID.class), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The saga, locked until the end of the caller's transaction. */
    public Optional<SagaRow> lock(Connection c, UUID id) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM sagas WHERE id = ? FOR UPDATE", id);
    }

    public Optional<SagaRow> find(Connection c, UUID id) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM sagas WHERE id = ?", id);
    }

    public void update(Connection c, UUID id, SagaState state, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sagas SET state = ?, machine = ?::jsonb, reason = ?,"
                + " updated_at = ?, finished_at = ? WHERE id = ?")) {
            ps.setString(1, state.status().name());
            ps.setString(2, write(state));
            ps.setString(3, state.reason());
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, state.status().isFinal() ? Timestamp.from(now) : null);
            ps.setObject(6, id);
            ps.executeUpdate();
        }
    }

    /** Newest first; {@code status} may be null for all. */
    public List<SagaRow> list(Connection c, String status, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM sagas" + (status == null ? "" : " WHERE state = ?")
                + " ORDER BY created_at DESC LIMIT " + limit;
        List<SagaRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (status != null) {
                ps.setString(1, status);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
        }
        return rows;
    }

    /**
     * Appends to a saga's timeline. A received message (with Kafka coordinates) is appended once: a second
     * delivery of the same record returns empty.
     */
    public Optional<Long> append(Connection c, TimelineEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO saga_steps (saga_id, step, kind, at, detail, attempt,"
                + " participant, topic, kafka_partition, kafka_offset, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING RETURNING id")) {
            ps.setObject(1, e.sagaId());
            ps.setString(2, e.step());
            ps.setString(3, e.kind());
            ps.setTimestamp(4, Timestamp.from(e.at()));
            ps.setString(5, e.detail());
            ps.setObject(6, e.attempt(), Types.INTEGER);
            ps.setString(7, e.participant());
            ps.setString(8, e.topic());
            ps.setObject(9, e.partition(), Types.INTEGER);
            ps.setObject(10, e.offset(), Types.BIGINT);
            ps.setTimestamp(11, e.publishedAt() == null ? null : Timestamp.from(e.publishedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    public void annotate(Connection c, long entry, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE saga_steps SET detail = coalesce(detail || ' ', '') || ? WHERE id = ?")) {
            ps.setString(1, note);
            ps.setLong(2, entry);
            ps.executeUpdate();
        }
    }

    /** Records where a sent command landed in Kafka. */
    public List<TimelineEntry> timeline(Connection c, UUID saga) throws SQLException {
        List<TimelineEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, saga_id, at, step, kind, attempt, participant, detail,"
                + " topic, kafka_partition, kafka_offset, published_at FROM saga_steps WHERE saga_id = ? ORDER BY id")) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TimelineEntry(rs.getLong(1), rs.getObject(2, UUID.class), instant(rs, 3), rs.getString(4),
                            rs.getString(5), (Integer) rs.getObject(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            (Integer) rs.getObject(10), (Long) rs.getObject(11), instant(rs, 12)));
                }
            }
        }
        return out;
    }

    private Optional<SagaRow> one(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private SagaRow row(ResultSet rs) throws SQLException {
        Flow flow = Flow.of(rs.getString(3)).orElseThrow(() -> new SQLException("unknown flow in the saga table"));
        try {
            SagaState state = json.readValue(rs.getString(4), SagaState.class);
            return new SagaRow(rs.getObject(1, UUID.class), rs.getString(2), flow, state, rs.getString(5),
                    instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getString(9));
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable saga state: " + e.getOriginalMessage(), e);
        }
    }

    private String write(SagaState state) {
        try {
            return json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("saga state is not serialisable", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
