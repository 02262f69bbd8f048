package dev.pledge.participant.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.fencing.Epochs;
import dev.pledge.common.problem.Problem;
import dev.pledge.common.problem.ProblemException;
import io.agroal.api.AgroalDataSource;

/**
 * The newest coordinator epoch each branch has been called with (see {@link Epochs}). A call older than that
 * is refused with 412 and the problem type {@link Problem#STALE_EPOCH}. A newer epoch is written to the
 * database (and forced) before the call goes on, so a refusal survives a restart; the first epoch is never
 * written, so a branch that no replica took over costs nothing more. The table is read once into memory:
 * one participant process owns its database, as it owns the prepared transactions in it.
 */
@ApplicationScoped
public class Fences {
    private final Map<String, Long> newest = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    @Inject
    AgroalDataSource dataSource;

    /**
     * Lets a call through, or refuses it when its epoch is stale.
     *
     * @param epoch the call's {@code Pledge-Epoch}, or null for a caller that does not fence (an operator's
     *              own call): such a call is let through and records nothing
     */
    public void admit(String gid, Long epoch) throws SQLException {
        if (epoch == null) {
            return;
        }
        if (epoch < Epochs.FIRST) {
            throw ProblemException.badRequest(Epochs.HEADER + " must be " + Epochs.FIRST + " or more, not " + epoch);
        }
        load();
        long seen = newest.getOrDefault(gid, Epochs.FIRST);
        if (epoch < seen) {
            throw stale(gid, seen, epoch);
        }
        if (epoch > seen) {
            long stored = record(gid, epoch);
            newest.merge(gid, stored, Math::max);
            if (stored > epoch) { // a newer epoch was written between the check and this write
                throw stale(gid, stored, epoch);
            }
        }
    }

    private static ProblemException stale(String gid, long seen, long epoch) {
        return new ProblemException(412, "Precondition Failed", "branch " + gid + " has been called with epoch " + seen
                + ", newer than this call's " + epoch + ": another coordinator replica drives the transaction now",
                Problem.STALE_EPOCH);
    }

    /** Writes the epoch unless a newer one is stored; returns the newest stored. */
    private long record(String gid, long epoch) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO branch_fences (gid, epoch) VALUES (?, ?) ON CONFLICT (gid) DO UPDATE"
                        + " SET epoch = GREATEST(branch_fences.epoch, EXCLUDED.epoch), fenced_at = now() RETURNING epoch")) {
            ps.setString(1, gid);
            ps.setLong(2, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void load() throws SQLException {
        if (loaded) {
            return;
        }
        synchronized (this) {
            if (loaded) {
                return;
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT gid, epoch FROM branch_fences")) {
                while (rs.next()) {
                    newest.merge(rs.getString(1), rs.getLong(2), Math::max);
                }
            }
            loaded = true;
        }
    }
}
