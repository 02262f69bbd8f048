package dev.pledge.coordinator.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/**
 * The lease table and the ownership of transactions, on the database's clock so that replicas need not
 * agree on the time. A change of owner adds one to the transaction's epoch, in the same forced write, so the
 * replica that lost it can no longer write its state (see {@link LogRows#moveTo}) nor be heard by its
 * participants.
 */
@ApplicationScoped
public class Leases {

    @Inject
    AgroalDataSource dataSource;

    /** A replica's lease as the table holds it; {@code owned} counts its unfinished transactions. */
    public record Lease(String nodeId, String url, Instant acquiredAt, Instant expiresAt, boolean live, long owned) {
    }

    /**
     * What starting a lease found: whether a live lease of the same name was displaced, how many transactions it
     * adopted, and when the new lease expires (on the database's clock) unless renewed.
     */
    public record Acquired(boolean displacedLive, int adopted, Instant expiresAt) {
    }

    /** A transaction taken from a replica whose lease expired (or that never had one). */
    public record Taken(UUID id, String from) {
    }

    /**
     * Starts this process's lease under its node id, and adopts the unfinished transactions a previous
     * process of the same name left (their epoch moves on, fencing that process off should it still run). The
     * newest process wins: a live lease of another process under the same name is displaced, and that process
     * stands down when its next renewal finds the row held by another process.
     */
    public Acquired acquire(String node, UUID incarnation, String url, Duration ttl) {
        return write(c -> {
            boolean displaced;
            Instant expiresAt;
            try (PreparedStatement ps = c.prepareStatement("SELECT incarnation <> ? AND expires_at > now()"
                    + " FROM coordinator_leases WHERE node_id = ? FOR UPDATE")) {
                ps.setObject(1, incarnation);
                ps.setString(2, node);
                try (ResultSet rs = ps.executeQuery()) {
                    displaced = rs.next() && rs.getBoolean(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO coordinator_leases (node_id, incarnation, url,"
                    + " acquired_at, expires_at) VALUES (?, ?, ?, now(), now() + ?::interval) ON CONFLICT (node_id) DO UPDATE"
                    + " SET incarnation = EXCLUDED.incarnation, url = EXCLUDED.url, acquired_at = now(),"
                    + " expires_at = EXCLUDED.expires_at RETURNING expires_at")) {
                ps.setString(1, node);
                ps.setObject(2, incarnation);
                ps.setString(3, url);
                ps.setString(4, interval(ttl));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    expiresAt = rs.getObject(1, OffsetDateTime.class).toInstant();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE transactions SET epoch = epoch + 1"
                    + " WHERE owner = ? AND state = ANY (?)")) {
                ps.setString(1, node);
                ps.setArray(2, unfinished(c));
                return new Acquired(displaced, ps.executeUpdate(), expiresAt);
            }
        });
    }

    /**
     * What renewing a lease found: renewed until {@code expiresAt} (on the database's clock); or the row was
     * gone (another replica took this process's work while it was away, and removed its expired lease); or the
     * row now belongs to another incarnation, a newer process started under the same node id.
     */
    public record Renewal(Outcome outcome, Instant expiresAt) {
        public enum Outcome {
            RENEWED, GONE, HELD_BY_ANOTHER_PROCESS
        }
    }

    /**
     * Renews this process's lease. An asynchronous commit, like the log's other bookkeeping: a renewal lost with
     * the database only makes the lease expire sooner, and forcing one every second would flush the log's own
     * asynchronous commits with it.
     */
    public Renewal renew(String node, UUID incarnation, Duration ttl) {
        return LogRows.write(dataSource, false, "lease table", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE coordinator_leases SET expires_at = now() + ?::interval"
                    + " WHERE node_id = ? AND incarnation = ? RETURNING expires_at")) {
                ps.setString(1, interval(ttl));
                ps.setString(2, node);
                ps.setObject(3, incarnation);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Renewal(Renewal.Outcome.RENEWED, rs.getObject(1, OffsetDateTime.class).toInstant());
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM coordinator_leases WHERE node_id = ?")) {
                ps.setString(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    return new Renewal(rs.next() ? Renewal.Outcome.HELD_BY_ANOTHER_PROCESS : Renewal.Outcome.GONE, null);
                }
            }
        });
    }

    /** Ends this process's lease now (a clean shutdown), so that another replica takes over its work at once. */
    public void release(String node, UUID incarnation) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE coordinator_leases SET expires_at = now()"
                    + " WHERE node_id = ? AND incarnation = ?")) {
                ps.setString(1, node);
                ps.setObject(2, incarnation);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Takes over, for {@code node}, every unfinished transaction whose owner's lease has expired or who has
     * no lease at all, and removes the expired leases. An expired lease another replica is taking over right
     * now is skipped (its row is locked), so each dead replica's work goes to one taker; so is a transaction
     * whose row another process holds locked (a frozen replica mid-write must not stall the taker): the next
     * pass takes it.
     */
    public List<Taken> takeOver(String node) {
        return write(c -> {
            List<String> dead = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT node_id FROM coordinator_leases"
                    + " WHERE expires_at < now() AND node_id <> ? FOR UPDATE SKIP LOCKED")) {
                ps.setString(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dead.add(rs.getString(1));
                    }
                }
            }
            List<Taken> taken = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("WITH old AS (SELECT id, owner FROM transactions t"
                    + " WHERE state = ANY (?) AND owner IS DISTINCT FROM ? AND (owner = ANY (?) OR owner IS NULL"
                    + " OR NOT EXISTS (SELECT 1 FROM coordinator_leases l WHERE l.node_id = t.owner)) FOR UPDATE SKIP LOCKED)"
                    + " UPDATE transactions t SET owner = ?, epoch = t.epoch + 1 FROM old WHERE t.id = old.id"
                    + " RETURNING t.id, coalesce(old.owner, 'no owner')")) {
                ps.setArray(1, unfinished(c));
                ps.setString(2, node);
                ps.setArray(3, c.createArrayOf("varchar", dead.toArray()));
                ps.setString(4, node);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        taken.add(new Taken(rs.getObject(1, UUID.class), rs.getString(2)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM coordinator_leases WHERE node_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("varchar", dead.toArray()));
                ps.executeUpdate();
            }
            return taken;
        });
    }

    /**
     * Makes {@code node} the owner of one transaction, whoever owned it (an operator acting through this
     * replica), and returns the new epoch; empty when the log has no such transaction.
     */
    public Optional<Long> adopt(UUID id, String node) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE transactions SET owner = ?, epoch = epoch + 1"
                    + " WHERE id = ? RETURNING epoch")) {
                ps.setString(1, node);
                ps.setObject(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Whether the unfinished transaction is owned by a replica other than {@code node} whose lease is live on
     * the database's clock: that replica may be driving it right now.
     */
    public boolean drivenElsewhere(UUID id, String node) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM transactions t JOIN coordinator_leases l"
                    + " ON l.node_id = t.owner WHERE t.id = ? AND t.state = ANY (?) AND t.owner <> ? AND l.expires_at > now()")) {
                ps.setObject(1, id);
                ps.setArray(2, unfinished(c));
                ps.setString(3, node);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Every lease in the table, with how many unfinished transactions each holder owns. */
    public List<Lease> list() {
        return read(c -> {
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT l.node_id, l.url, l.acquired_at, l.expires_at,"
                    + " l.expires_at > now(), (SELECT count(*) FROM transactions t WHERE t.owner = l.node_id"
                    + " AND t.state = ANY (?)) FROM coordinator_leases l ORDER BY l.node_id")) {
                ps.setArray(1, unfinished(c));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Lease(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getBoolean(5), rs.getLong(6)));
                    }
                }
            }
            return out;
        });
    }

    private static java.sql.Array unfinished(Connection c) throws SQLException {
        return c.createArrayOf("varchar", DecisionLog.UNFINISHED.stream().map(Enum::name).toArray());
    }

    private static String interval(Duration d) {
        return d.toMillis() + " milliseconds";
    }

    /** A forced local transaction: a change of owner is what fences the old one, and must not be lost. */
    private <T> T write(LogRows.Work<T> work) {
        return LogRows.write(dataSource, true, "lease table", work);
    }

    private <T> T read(LogRows.Work<T> work) {
        return LogRows.read(dataSource, "lease table", work);
    }
}
