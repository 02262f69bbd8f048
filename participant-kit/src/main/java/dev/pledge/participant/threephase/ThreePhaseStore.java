package dev.pledge.participant.threephase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/** The three-phase commit record of each branch: its coordinator, its peers, its wait timeout. */
@ApplicationScoped
public class ThreePhaseStore {

    /** A prepared 3PC branch waiting for its coordinator; {@code since} is the vote or the pre-commit. */
    public record Pending(String gid, String coordinatorUrl, String peersJson, long waitTimeoutMs, boolean precommitted,
                          Instant since) {
    }

    @Inject
    AgroalDataSource dataSource;

    /**
     * Written before the branch prepares; a repeated can-commit keeps the first record. The commit does not
     * wait for the disk: the branch's vote is written next (PREPARE TRANSACTION, or the NO record), forced,
     * and PostgreSQL flushes its WAL in order, so this row is on disk before any vote leaves. A crash before
     * the vote may lose it, with a branch that never prepared.
     */
    public void record(String gid, String coordinatorUrl, String peersJson, long waitTimeoutMs) throws SQLException {
        update(false, "INSERT INTO branch_3pc (gid, coordinator_url, peers, wait_timeout_ms) VALUES (?, ?, ?::jsonb, ?)"
                + " ON CONFLICT (gid) DO NOTHING", gid, coordinatorUrl, peersJson, waitTimeoutMs);
    }

    /** The names of the branch's peers, as its coordinator gave them at can-commit; empty for no such branch. */
    public java.util.Set<String> peerNames(String gid) throws SQLException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT p->>'participant' FROM branch_3pc, jsonb_array_elements(peers) p WHERE gid = ?")) {
            ps.setString(1, gid);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /**
     * Marks a branch pre-committed if it still holds its prepared transaction and was not marked before. Forced
     * to the disk before the acknowledgement leaves: a pre-committed participant may commit on its own later.
     *
     * @return whether this call marked it (false: not prepared any more, or marked already)
     */
    public boolean markPrecommitted(String gid) throws SQLException {
        return update(true, "UPDATE branch_3pc SET precommitted_at = now() WHERE gid = ? AND precommitted_at IS NULL"
                + " AND EXISTS (SELECT 1 FROM pg_prepared_xacts p WHERE p.gid = ? AND p.database = current_database())",
                gid, gid) == 1;
    }

    /** One statement in a transaction of its own, forced to the disk or not, said outright either way. */
    private int update(boolean forced, String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(sql)) {
                s.execute(forced ? "SET LOCAL synchronous_commit = on" : "SET LOCAL synchronous_commit = off");
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                int rows = ps.executeUpdate();
                c.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Now, on the database's clock (the clock of {@link Pending#since()}). */
    public Instant databaseNow() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** 3PC branches still holding a prepared transaction. */
    public List<Pending> pending() throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT b.gid, b.coordinator_url, b.peers::text, b.wait_timeout_ms, b.precommitted_at IS NOT NULL,"
                        + " coalesce(b.precommitted_at, p.prepared)"
                        + " FROM branch_3pc b JOIN pg_prepared_xacts p ON p.gid = b.gid AND p.database = current_database()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5),
                        rs.getTimestamp(6).toInstant()));
            }
        }
        return out;
    }
}
