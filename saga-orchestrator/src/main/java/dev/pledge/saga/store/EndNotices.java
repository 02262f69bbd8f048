package dev.pledge.saga.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells every orchestrator instance on the database that a saga has ended, with PostgreSQL's
 * {@code NOTIFY}: sent inside the transaction that ends the saga, so it is delivered when (and only if) that
 * transaction commits, to every session listening on the channel, this process's included.
 */
public final class EndNotices implements AutoCloseable {
    /** The channel the ends of sagas are announced on; the payload is the saga's id. */
    public static final String CHANNEL = "saga_ended";
    private static final Logger LOG = Logger.getLogger(EndNotices.class);
    private static final int RECEIVE_MILLIS = 500;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final DataSource db;
    private final Consumer<UUID> onEnd;
    private final Runnable onListening;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean listening;

    /** Announces the end of {@code saga} once the caller's transaction commits. */
    public static void send(Connection c, UUID saga) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            ps.setString(1, saga.toString());
            ps.execute();
        }
    }

    /**
     * Listens on its own thread and connection until closed, handing each ended saga to {@code onEnd}.
     * {@code onListening} runs each time it (re)starts listening: what ended while it was not is not
     * announced again, so whoever waits should read the database once more.
     */
    public static EndNotices listen(DataSource db, String name, Consumer<UUID> onEnd, Runnable onListening) {
        EndNotices notices = new EndNotices(db, name, onEnd, onListening);
        notices.thread.start();
        return notices;
    }

    private EndNotices(DataSource db, String name, Consumer<UUID> onEnd, Runnable onListening) {
        this.db = db;
        this.onEnd = onEnd;
        this.onListening = onListening;
        this.thread = new Thread(this::run, "saga-ends-" + name);
        this.thread.setDaemon(true);
    }

    private void run() {
        Duration pause = FIRST_PAUSE;
        while (open()) {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                try {
                    listening = true;
                    onListening.run();
                    pause = FIRST_PAUSE;
                    receive(c.unwrap(PGConnection.class));
                } finally {
                    listening = false;
                    unlisten(c); // the connection goes back to the pool
                }
            } catch (SQLException | RuntimeException e) {
                if (open()) {
                    LOG.warnf("not listening for saga ends (%s); trying again in %d ms, waiting requests re-read"
                            + " the database meanwhile", e.getMessage(), pause.toMillis());
                }
            }
            if (pauseOrClosed(pause)) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    private void receive(PGConnection pg) throws SQLException {
        while (open()) {
            PGNotification[] received = pg.getNotifications(RECEIVE_MILLIS);
            if (received == null) {
                continue;
            }
            for (PGNotification n : received) {
                try {
                    onEnd.accept(UUID.fromString(n.getParameter()));
                } catch (IllegalArgumentException e) {
                    LOG.warnf("ignored a notice on %s that names no saga: '%s'", CHANNEL, n.getParameter());
                }
            }
        }
    }

    private static void unlisten(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
        } catch (SQLException e) {
            LOG.debugf("UNLISTEN failed (%s); the connection is broken anyway", e.getMessage());
        }
    }

    /** Whether the ends announced from now on reach this listener. */
    public boolean listening() {
        return listening && open();
    }

    private boolean open() {
        return closed.getCount() > 0;
    }

    private boolean pauseOrClosed(Duration pause) {
        try {
            return closed.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Stops listening; returns once the listening thread has let go of its connection, or after 2 s. */
    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(2 * RECEIVE_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
