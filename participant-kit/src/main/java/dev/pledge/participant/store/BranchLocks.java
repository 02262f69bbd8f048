package dev.pledge.participant.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/**
 * One lock per branch, in the participant's own PostgreSQL (a session-level advisory lock on the gid), so that
 * everything that moves a branch (a pre-commit, a commit, an abort, the termination protocol's act) runs one at
 * a time and sees the state the one before it left. COMMIT PREPARED cannot run inside a transaction block, so
 * the lock is held by a connection of its own while the work runs, and given back in every case; a lost
 * connection gives it back with its session.
 */
@ApplicationScoped
public class BranchLocks {

    /** Work done while the branch's lock is held. */
    @FunctionalInterface
    public interface Locked<T> {
        T run() throws SQLException;
    }

    @Inject
    AgroalDataSource dataSource;

    public <T> T with(String gid, Locked<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            lock(c, "SELECT pg_advisory_lock(hashtextextended(?, 0))", gid);
            try {
                return work.run();
            } finally {
                lock(c, "SELECT pg_advisory_unlock(hashtextextended(?, 0))", gid);
            }
        }
    }

    private static void lock(Connection c, String sql, String gid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, gid);
            ps.execute();
        }
    }
}
