package dev.pledge.coordinator.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.pledge.common.crash.CrashPoints;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The transactions' timelines ({@code tx_events}), written off the protocol's path. Entries are queued in
 * the order they happen and one writer thread inserts them in batches ({@link TimelineQueue}: a batch
 * gathers for up to {@link #LINGER}, and at once when a reader waits), each batch multi-row inserts in one
 * asynchronous commit ({@code synchronous_commit = off}): visible at once, on disk with the next forced
 * write of the log or within a fraction of a second. A protocol step never waits for its timeline entry; a
 * reader of a transaction on this replica waits for the entries queued before it asked ({@link #awaitWritten}).
 * Another replica's reader may miss the last entries of a transaction that ended a moment ago here.
 *
 * <p>The timeline is a record of what happened, not a source of decisions: a crash of the database may lose
 * its last entries, and a SIGKILL of the coordinator those still queued. The decision log never loses a
 * decision. A named crash point lets the queue drain before it halts, so the timeline shows everything up
 * to the point.
 */
@ApplicationScoped
public class Timeline {
    private static final Logger LOG = Logger.getLogger(Timeline.class);
    /** Entries per batch insert. */
    static final int BATCH = 500;
    /**
     * How long an entry waits for others to join its batch, unless a reader is waiting: a quiet coordinator
     * writes a transaction's entries in one or two commits instead of one each.
     */
    static final Duration LINGER = Duration.ofMillis(20);
    /** Entries held while the database is away; past it, the oldest are dropped (and counted in the log). */
    static final int MAX_QUEUED = 100_000;
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final Duration RETRY = Duration.ofMillis(500);

    /** One timeline entry, stamped when it happened. */
    record Entry(UUID txId, Instant at, TxEvent.Kind kind, String participant, String message, Long millis) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    CrashPoints crashPoints;

    private final TimelineQueue<Entry> queue = new TimelineQueue<>(BATCH, MAX_QUEUED, LINGER);
    private volatile boolean stopping;
    private Thread writer;

    void onStart(@Observes StartupEvent event) {
        writer = new Thread(this::writeUntilStopped, "timeline-writer");
        writer.setDaemon(true);
        writer.start();
        crashPoints.beforeHalt(() -> awaitWritten(Duration.ofSeconds(1)));
    }

    void onStop(@Observes ShutdownEvent event) {
        awaitWritten(Duration.ofSeconds(2));
        stopping = true;
        queue.close();
        writer.interrupt();
    }

    /** Queues an entry; never waits for the database. */
    public void add(UUID txId, TxEvent.Kind kind, String participant, String message, Long millis) {
        long dropped = queue.add(new Entry(txId, Instant.now(), kind, participant, message, millis));
        if (dropped % 10_000 == 1) {
            LOG.warnf("timeline queue full (database away?): %d entries dropped so far", dropped);
        }
    }

    /**
     * Waits until every entry queued before this call is in the database, or the time is up. The writer stops
     * lingering for more entries at once.
     *
     * @return true when they all are
     */
    public boolean awaitWritten(Duration max) {
        return queue.awaitWritten(max);
    }

    private void writeUntilStopped() {
        while (!stopping) {
            List<Entry> batch = queue.take();
            if (batch.isEmpty()) {
                continue;
            }
            boolean done = tryWrite(batch);
            while (!done && !stopping) {
                sleep(RETRY);
                done = tryWrite(batch);
            }
            if (done) {
                queue.written();
            }
        }
    }

    private boolean tryWrite(List<Entry> batch) {
        try (Connection c = dataSource.getConnection()) {
            try {
                insert(c, batch);
            } catch (SQLException e) {
                if (!FOREIGN_KEY_VIOLATION.equals(sqlState(e))) {
                    throw e;
                }
                // a transaction whose begin record a database crash lost: keep the others' entries
                for (Entry entry : batch) {
                    try {
                        insert(c, List.of(entry));
                    } catch (SQLException one) {
                        if (!FOREIGN_KEY_VIOLATION.equals(sqlState(one))) {
                            throw one;
                        }
                        LOG.debugf("timeline entry of %s dropped: the transaction is not in the log", entry.txId());
                    }
                }
            }
            return true;
        } catch (SQLException e) {
            LOG.warnf("timeline: %d entries wait for the database (%s)", batch.size(), e.getMessage());
            return false;
        }
    }

    private static void insert(Connection c, List<Entry> entries) throws SQLException {
        LogRows.inTransaction(c, false, on -> {
            try (PreparedStatement ps = on.prepareStatement("INSERT INTO tx_events (tx_id, at, kind, participant, message,"
                    + " duration_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Entry e : entries) {
                    ps.setObject(1, e.txId());
                    ps.setObject(2, e.at().atOffset(ZoneOffset.UTC));
                    ps.setString(3, e.kind().name());
                    ps.setString(4, e.participant());
                    ps.setString(5, e.message());
                    if (e.millis() == null) {
                        ps.setNull(6, Types.BIGINT);
                    } else {
                        ps.setLong(6, e.millis());
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** A failed batch may carry the statement's SQLSTATE only on its next exception. */
    private static String sqlState(SQLException e) {
        return e.getSQLState() != null || e.getNextException() == null ? e.getSQLState() : e.getNextException().getSQLState();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
