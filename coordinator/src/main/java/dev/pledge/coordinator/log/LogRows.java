package dev.pledge.coordinator.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.pledge.coordinator.protocol.Ack;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog.Snapshot;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;

/**
 * The decision log's statements on the protocol's path, in plain JDBC: a transaction's writes are a few
 * statements on one connection, with no entity state to track and flush.
 */
final class LogRows {
    private LogRows() {
    }

    /** A transaction's row, as read (and locked) before it changes. */
    record Tx(UUID id, Protocol protocol, TxState state, String traceparent, Instant createdAt, String owner, long epoch) {
        /** Fails when the transaction has moved on to another epoch than the one the caller drives it under. */
        Tx drivenUnder(long expected) {
            if (epoch != expected) {
                throw new TakenOver(id, owner, epoch, expected);
            }
            return this;
        }
    }

    /** Makes the local transaction it runs in wait, at its commit, for its WAL to be on disk. */
    static final String FORCED = "SET LOCAL synchronous_commit = on";

    /** A piece of work on one connection of the log's database. */
    @FunctionalInterface
    interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /**
     * Runs one local transaction on the connection and commits it: forced (the commit returns once its WAL
     * is on disk) or not ({@code synchronous_commit = off}: visible at once, on disk with the next flush).
     * Every connection of the log's database opens with {@code synchronous_commit = off} (the datasource's
     * {@code options} in application.properties), so an unforced transaction costs no statement of its own and a
     * forced one turns it on for itself alone. Anything else that must be on disk when it returns says so too
     * ({@link DecisionLog#force}).
     */
    static <T> T inTransaction(Connection c, boolean forced, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            if (forced) {
                try (Statement s = c.createStatement()) {
                    s.execute(FORCED);
                }
            }
            T result = work.on(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** One local transaction on a connection of its own (see {@link #inTransaction}); {@code what} names the table for errors. */
    static <T> T write(javax.sql.DataSource dataSource, boolean forced, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return inTransaction(c, forced, work);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " write failed: " + e.getMessage(), e);
        }
    }

    static <T> T read(javax.sql.DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.on(c);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " read failed: " + e.getMessage(), e);
        }
    }

    static void insert(Connection c, Tx tx, Attempt attempt, String idempotencyKey, String requestHash,
            List<BranchSpec> branches) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO transactions (id, protocol, state, timeout_ms, created_at,"
                + " updated_at, trace_parent, idempotency_key, request_hash, owner, epoch, attempt, first_attempt,"
                + " previous_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, tx.id());
            ps.setString(2, tx.protocol().label());
            ps.setString(3, tx.state().name());
            ps.setLong(4, attempt.timeout().toMillis());
            ps.setObject(5, utc(tx.createdAt()));
            ps.setObject(6, utc(tx.createdAt()));
            ps.setString(7, tx.traceparent());
            ps.setString(8, idempotencyKey);
            ps.setString(9, requestHash);
            ps.setString(10, tx.owner());
            ps.setLong(11, tx.epoch());
            ps.setInt(12, attempt.number());
            ps.setObject(13, attempt.number() == 1 ? null : attempt.first());
            ps.setObject(14, attempt.previous());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO branches (tx_id, position, participant, url, gid, operation,"
                + " state) VALUES (?, ?, ?, ?, ?, ?::jsonb, 'WORKING')")) {
            for (int i = 0; i < branches.size(); i++) {
                BranchSpec b = branches.get(i);
                ps.setObject(1, tx.id());
                ps.setInt(2, i);
                ps.setString(3, b.participant());
                ps.setString(4, b.url());
                ps.setString(5, DecisionLog.gid(tx.id(), b.participant()));
                ps.setString(6, b.operationJson());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Reads a transaction's row; fails when the log has no such transaction. */
    static Tx read(Connection c, UUID id) throws SQLException {
        return find(c, id).orElseThrow(() -> new IllegalStateException("no transaction " + id + " in the log"));
    }

    static java.util.Optional<Tx> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT protocol, state, trace_parent, created_at, owner, epoch"
                + " FROM transactions WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(new Tx(id, Protocol.of(rs.getString(1)), TxState.valueOf(rs.getString(2)),
                        rs.getString(3), rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getLong(6)))
                        : java.util.Optional.empty();
            }
        }
    }

    /** A transaction's own row, without its branches: what a minimal answer shows. Unmanaged by Hibernate. */
    static java.util.Optional<GlobalTransaction> summary(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT protocol, state, decision, reason, timeout_ms, created_at,"
                + " updated_at, trace_parent, owner, epoch, attempt, first_attempt, previous_attempt FROM transactions"
                + " WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                GlobalTransaction tx = new GlobalTransaction();
                tx.id = id;
                tx.protocol = rs.getString(1);
                tx.state = TxState.valueOf(rs.getString(2));
                tx.decision = rs.getString(3);
                tx.reason = rs.getString(4);
                tx.timeoutMs = rs.getLong(5);
                tx.createdAt = rs.getObject(6, OffsetDateTime.class).toInstant();
                tx.updatedAt = rs.getObject(7, OffsetDateTime.class).toInstant();
                tx.traceparent = rs.getString(8);
                tx.owner = rs.getString(9);
                tx.epoch = rs.getLong(10);
                tx.attempt = rs.getInt(11);
                tx.firstAttempt = rs.getObject(12, UUID.class);
                tx.previousAttempt = rs.getObject(13, UUID.class);
                return java.util.Optional.of(tx);
            }
        }
    }

    /**
     * Moves a transaction from the state (and epoch) it was read in to the next state, as a compare-and-set:
     * when another writer moved it in between, or another replica took it over, nothing is written and the
     * write fails (no row is locked ahead of time).
     */
    static void moveTo(Connection c, Tx from, TxState state, String decision, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(decision == null
                ? "UPDATE transactions SET state = ?, updated_at = ? WHERE id = ? AND state = ? AND epoch = ?"
                : "UPDATE transactions SET state = ?, updated_at = ?, decision = ?, reason = ? WHERE id = ? AND state = ?"
                + " AND epoch = ?")) {
            int i = 1;
            ps.setString(i++, state.name());
            ps.setObject(i++, utc(at));
            if (decision != null) {
                ps.setString(i++, decision);
                ps.setString(i++, reason);
            }
            ps.setObject(i++, from.id());
            ps.setString(i++, from.state().name());
            ps.setLong(i, from.epoch());
            if (ps.executeUpdate() != 1) {
                read(c, from.id()).drivenUnder(from.epoch()); // taken over in between: say so
                throw new IllegalStateException("transaction " + from.id() + " left state " + from.state()
                        + " while this write moved it to " + state);
            }
        }
    }

    /**
     * Each branch's first vote counts: a branch that has one keeps it, and of two votes of one branch in
     * {@code votes} the first. One statement for every vote.
     */
    static void votes(Connection c, UUID id, List<Vote> votes) throws SQLException {
        java.util.Map<String, Vote> first = new java.util.LinkedHashMap<>();
        votes.forEach(v -> first.putIfAbsent(v.participant(), v));
        if (first.isEmpty()) {
            return;
        }
        List<Vote> each = List.copyOf(first.values());
        try (PreparedStatement ps = c.prepareStatement("UPDATE branches b SET vote = v.vote, state = v.state, reason = v.reason"
                + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::text[]) AS v (participant, vote, state, reason)"
                + " WHERE b.tx_id = ? AND b.participant = v.participant AND b.vote IS NULL")) {
            ps.setArray(1, c.createArrayOf("varchar", each.stream().map(Vote::participant).toArray()));
            ps.setArray(2, c.createArrayOf("varchar", each.stream().map(v -> v.yes() ? "YES" : v.answered() ? "NO" : "NONE")
                    .toArray()));
            ps.setArray(3, c.createArrayOf("varchar", each.stream()
                    .map(v -> v.yes() ? "PREPARED" : v.answered() ? "ABORTED" : "UNKNOWN").toArray()));
            ps.setArray(4, c.createArrayOf("text", each.stream().map(Vote::reason).toArray()));
            ps.setObject(5, id);
            ps.executeUpdate();
        }
    }

    /**
     * Records acknowledgements under the epoch the caller drives the transaction under, in one statement (of
     * two acks of one branch, the last counts). The update holds the transaction's row locked while it checks
     * the epoch, so a takeover cannot slip in between: once the
     * transaction has moved on to another epoch nothing is written, and the write fails with {@link TakenOver}.
     */
    static void acks(Connection c, UUID id, long epoch, List<Ack> acks) throws SQLException {
        java.util.Map<String, String> last = new java.util.LinkedHashMap<>();
        acks.forEach(a -> last.put(a.participant(), a.state().name()));
        if (last.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE branches b SET state = a.state"
                + " FROM unnest(?::varchar[], ?::varchar[]) AS a (participant, state)"
                + " WHERE b.tx_id = ? AND b.participant = a.participant"
                + " AND EXISTS (SELECT 1 FROM transactions WHERE id = ? AND epoch = ? FOR NO KEY UPDATE)")) {
            ps.setArray(1, c.createArrayOf("varchar", last.keySet().toArray()));
            ps.setArray(2, c.createArrayOf("varchar", last.values().toArray()));
            ps.setObject(3, id);
            ps.setObject(4, id);
            ps.setLong(5, epoch);
            if (ps.executeUpdate() < last.size()) {
                read(c, id).drivenUnder(epoch); // taken over: say so, and the caller's local transaction rolls back
            }
        }
    }

    static Snapshot snapshot(Connection c, Tx tx) throws SQLException {
        List<BranchSpec> specs = new ArrayList<>();
        List<String> states = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT participant, url, operation::text, state FROM branches"
                + " WHERE tx_id = ? ORDER BY position")) {
            ps.setObject(1, tx.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    specs.add(new BranchSpec(rs.getString(1), rs.getString(2), rs.getString(3)));
                    states.add(rs.getString(4));
                }
            }
        }
        return new Snapshot(tx.id(), tx.protocol(), tx.state(), List.copyOf(specs), List.copyOf(states), tx.traceparent(),
                tx.owner(), tx.epoch());
    }

    /** Transactions in one of the states, oldest first: those of one owner, or of every owner when it is null. */
    static List<UUID> unfinished(Connection c, List<TxState> states, String owner) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM transactions WHERE state = ANY (?)"
                + (owner == null ? "" : " AND owner = ?") + " ORDER BY created_at")) {
            ps.setArray(1, c.createArrayOf("varchar", states.stream().map(Enum::name).toArray()));
            if (owner != null) {
                ps.setString(2, owner);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
