package dev.pledge.saga.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Runs work in one local transaction: committed when it returns, rolled back when it throws. What the work
 * asks to happen {@linkplain #afterCommit after the commit} happens only if it commits.
 */
public final class Tx {
    private static final Logger LOG = Logger.getLogger(Tx.class);
    private static final ThreadLocal<List<Runnable>> AFTER_COMMIT = new ThreadLocal<>();

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Tx() {
    }

    public static <T> T run(DataSource db, Work<T> work) throws SQLException {
        List<Runnable> outer = AFTER_COMMIT.get();
        List<Runnable> mine = new ArrayList<>();
        AFTER_COMMIT.set(mine);
        T result;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } finally {
            if (outer == null) {
                AFTER_COMMIT.remove();
            } else {
                AFTER_COMMIT.set(outer);
            }
        }
        for (Runnable what : mine) {
            try {
                what.run();
            } catch (RuntimeException e) { // committed is committed: one hook's failure must not undo that
                LOG.warnf(e, "after a commit: %s", e.getMessage());
            }
        }
        return result;
    }

    /** Runs {@code what} once the transaction this thread is in has committed; at once outside of one. */
    public static void afterCommit(Runnable what) {
        List<Runnable> pending = AFTER_COMMIT.get();
        if (pending == null) {
            what.run();
        } else {
            pending.add(what);
        }
    }
}
