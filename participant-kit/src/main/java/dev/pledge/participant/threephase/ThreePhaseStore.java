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
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO branch_3pc (gid, coordinator_url, peers, wait_timeout_ms) VALUES (?, ?, ?::jsonb, ?)"
                            + " ON CONFLICT (gid) DO NOTHING")) {
                s.execute("SET LOCAL synchronous_commit = off");
                ps.setString(1, gid);
                ps.setString(2, coordinatorUrl);
                ps.setString(3, peersJson);
                ps.setLong(4, waitTimeoutMs);
                ps.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    public void markPrecommitted(String gid) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE branch_3pc SET precommitted_at = now() WHERE gid = ? AND precommitted_at IS NULL")) {
            ps.setString(1, gid);
            ps.executeUpdate();
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
