package dev.pledge.participant.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.protocol.BranchState;
import io.agroal.api.AgroalDataSource;

/**
 * Branch records and PostgreSQL prepared transactions. A branch's state is read from PostgreSQL itself:
 * PREPARED while {@code pg_prepared_xacts} holds its gid, otherwise the committed row in {@code branches}
 * (COMMITTED or ABORTED), otherwise WORKING.
 */
@ApplicationScoped
public class BranchStore {
    /** Global transaction ids are quoted into SQL (PREPARE TRANSACTION takes no parameters): keep them plain. */
    public static final Pattern GID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** SQLSTATEs this store reacts to. */
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    public static final String UNDEFINED_OBJECT = "42704";
    public static final String QUERY_CANCELED = "57014";

    @Inject
    AgroalDataSource dataSource;

    public record Decided(BranchState state, String reason) {
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** The branch's state as PostgreSQL sees it now. */
    public Decided state(String gid) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // the prepared check comes first: a COMMIT PREPARED racing with this read makes the row visible
            // to the second statement, so a branch is never seen as WORKING in between
            if (isPrepared(c, gid)) {
                return new Decided(isPrecommitted(c, gid) ? BranchState.PRECOMMITTED : BranchState.PREPARED, null);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT state, reason FROM branches WHERE gid = ?")) {
                ps.setString(1, gid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Decided(BranchState.valueOf(rs.getString(1)), rs.getString(2));
                    }
                }
            }
            return new Decided(BranchState.WORKING, null);
        }
    }

    private static boolean isPrepared(Connection c, String gid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_prepared_xacts WHERE gid = ? AND database = current_database()")) {
            ps.setString(1, gid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The PostgreSQL backend serving the connection, as the server named it when the connection opened (no query).
     * Participants connect to their database directly: behind a pooler such as PgBouncer this would not be the
     * backend that runs the prepare, and the lock watch could neither see nor end its waits.
     */
    public int backendPid(Connection c) throws SQLException {
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }

    /** Cancels the statement a backend is running (pg_cancel_backend), e.g. a prepare waiting for a lock. */
    public void cancelBackend(int backendPid) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_cancel_backend(?)")) {
            ps.setInt(1, backendPid);
            ps.execute();
        }
    }

    private static boolean isPrecommitted(Connection c, String gid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM branch_3pc WHERE gid = ? AND precommitted_at IS NOT NULL")) {
            ps.setString(1, gid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Inserts the COMMITTED row inside the branch's open transaction: visible only once committed. */
    public void insertCommittedRow(Connection tx, String gid, String operationJson) throws SQLException {
        try (Statement s = tx.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '5s'");
        }
        try (PreparedStatement ps = tx.prepareStatement(
                "INSERT INTO branches (gid, state, operation) VALUES (?, 'COMMITTED', ?::jsonb)")) {
            ps.setString(1, gid);
            ps.setString(2, operationJson);
            ps.executeUpdate();
        }
    }

    /** How long the business change may wait for a row lock (held, e.g., by another prepared branch). */
    public void lockTimeout(Connection tx, java.time.Duration timeout) throws SQLException {
        try (Statement s = tx.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + timeout.toMillis() + "ms'");
        }
    }

    /** Ends the open transaction with PREPARE TRANSACTION: the vote YES, durable and holding its locks. */
    public void prepareTransaction(Connection tx, String gid) throws SQLException {
        try (Statement s = tx.createStatement()) {
            s.execute("PREPARE TRANSACTION '" + checked(gid) + "'");
        }
    }

    public void commitPrepared(String gid) throws SQLException {
        finishPrepared("COMMIT PREPARED", gid);
    }

    public void rollbackPrepared(String gid) throws SQLException {
        finishPrepared("ROLLBACK PREPARED", gid);
    }

    private void finishPrepared(String command, String gid) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(command + " '" + checked(gid) + "'");
        }
    }

    /**
     * Records the branch as ABORTED unless a row exists already.
     *
     * @return the row's state afterwards (ABORTED, or COMMITTED when a commit got there first)
     */
    public Optional<BranchState> recordAborted(String gid, String operationJson, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '5s'");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO branches (gid, state, operation, reason) VALUES (?, 'ABORTED', ?::jsonb, ?)"
                            + " ON CONFLICT (gid) DO NOTHING")) {
                ps.setString(1, gid);
                ps.setString(2, operationJson);
                ps.setString(3, reason);
                ps.executeUpdate();
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET lock_timeout");
                }
            }
        }
        Decided now = state(gid);
        return now.state().isFinal() ? Optional.of(now.state()) : Optional.empty();
    }

    private static String checked(String gid) {
        if (!GID.matcher(gid).matches()) {
            throw new IllegalArgumentException("invalid gid " + gid);
        }
        return gid;
    }
}
