package dev.pledge.participant.saga;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import dev.pledge.common.kafka.AfterCommitSends;
import dev.pledge.common.kafka.AfterCommitSends.Row;
import dev.pledge.common.kafka.KafkaPublish;
import dev.pledge.common.kafka.KafkaPublish.Outgoing;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes outbox rows to Kafka, each to its own topic with its key, and marks them published once the broker
 * acknowledged. Each record goes out in the trace of the change that wrote its row. A handled command's reply
 * is {@linkplain #sendNow sent} by the thread that committed it, straight after the commit
 * ({@link AfterCommitSends}); the relay, every second, publishes what that did not: rows left by a crash
 * between commit and send, rows whose send the broker refused or did not acknowledge in time, rows written
 * while the broker was away. It takes only rows written longer than {@link AfterCommitSends#GRACE} ago, so
 * another instance's relay does not publish again what this one has just sent, oldest first; the rows of one
 * pass are sent together and then awaited, and those the broker took are marked, the others go out again later
 * (receivers take a record out of order or twice). After a failure, each pass sends one row until the broker
 * takes one again, and sends after commit wait for that too, so an outage does not pile records up in the
 * producer.
 *
 * <p>A row may be published twice if the process dies between the acknowledgement and the mark, or if the
 * broker takes longer than the grace; receivers are idempotent. That is also why the mark's commit does not
 * wait for the disk: a mark lost in a database crash only means the record goes out once more.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final AgroalDataSource dataSource;
    private final Emitter<String> replies;
    private final AfterCommitSends sends;

    @Inject
    public OutboxRelay(AgroalDataSource dataSource, @Channel("saga-replies") Emitter<String> replies) {
        this.dataSource = dataSource;
        this.replies = replies;
        this.sends = new AfterCommitSends("outbox-marks", replies, PATIENCE, this::markPublished);
    }

    /** Publishes a row just committed, without waiting for the broker; call it after the commit. */
    public void sendNow(long id, Outgoing record) {
        sends.send(List.of(new Row(id, record)));
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            publishPending();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("outbox relay: %s; the next sweep tries again", e.getMessage());
        }
    }

    /** Publishes what is pending now; rows locked by a concurrent relay are left to it. */
    public synchronized int publishPending() throws SQLException {
        int published = 0;
        int pending;
        do {
            pending = publishBatch();
            published += pending;
        } while (pending == BATCH);
        return published;
    }

    private int publishBatch() throws SQLException {
        try {
            return inTransaction(c -> {
                List<Row> rows = pending(c, sends.troubled() ? 1 : BATCH, sends.inFlight());
                if (rows.isEmpty()) {
                    return 0;
                }
                List<RecordMetadata> landed = KafkaPublish.allAndAwait(replies, rows.stream().map(Row::record).toList(), PATIENCE);
                List<Long> sent = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    if (landed.get(i) != null) {
                        sent.add(rows.get(i).id());
                    }
                }
                markPublished(c, sent);
                sends.troubled(KafkaPublish.troubled(landed));
                if (sends.troubled()) {
                    LOG.warnf("outbox relay: the broker took %d of %d records; the rest go out one per pass until it"
                            + " takes them again", sent.size(), rows.size());
                    return 0;
                }
                return rows.size();
            });
        } catch (KafkaPublish.NotPublished | SQLException | RuntimeException e) {
            sends.troubled(true);
            throw new SQLException("could not publish the outbox: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T, E extends Exception> {
        T run(Connection c) throws SQLException, E;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    private <T, E extends Exception> T inTransaction(Work<T, E> work) throws SQLException, E {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Unpublished rows written longer than the grace ago, oldest first, except those this process has in flight
     * and those another relay holds.
     */
    private static List<Row> pending(Connection c, int limit, List<Long> inFlight) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, topic, message_key, payload::text, trace_parent FROM outbox"
                + " WHERE published_at IS NULL AND created_at <= now() - make_interval(secs => ?) AND id <> ALL (?)"
                + " ORDER BY id LIMIT " + limit + " FOR UPDATE SKIP LOCKED")) {
            ps.setDouble(1, AfterCommitSends.GRACE.toMillis() / 1000.0);
            ps.setArray(2, c.createArrayOf("bigint", inFlight.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1),
                            new Outgoing(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))));
                }
            }
        }
        return rows;
    }

    /** Marks rows the broker took after their sends, in a transaction of their own. */
    private void markPublished(List<AfterCommitSends.Landed> landed) throws SQLException {
        inTransaction(c -> {
            markPublished(c, landed.stream().map(AfterCommitSends.Landed::id).toList());
            return null;
        });
    }

    private static void markPublished(Connection c, List<Long> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = off");
        }
        Array ids = c.createArrayOf("bigint", rows.toArray());
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET published_at = now() WHERE id = ANY (?)")) {
            ps.setArray(1, ids);
            ps.executeUpdate();
        }
    }

    @PreDestroy
    void stop() {
        sends.close();
    }
}
