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

import dev.pledge.common.kafka.KafkaPublish;
import dev.pledge.common.kafka.KafkaPublish.Outgoing;
import dev.pledge.common.kafka.RelayThread;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes outbox rows to Kafka, oldest first, each to its own topic with its key, and marks them
 * published once the broker acknowledged. Each record goes out in the trace of the change that wrote its
 * row. Runs on its own thread when {@linkplain #kick() kicked} after each handled command or event, and every
 * second (rows left by a crash between commit and publish go out then). The rows of one pass are sent
 * together and then awaited, so the consumer that committed them goes on to its next record at once; those
 * the broker took are marked, the others go out again later (receivers take a record out of order or twice).
 * After a pass with a failure, each pass sends one row until the broker takes one again, so an outage does
 * not pile records up in the producer.
 *
 * <p>A row may be published twice if the process dies between the acknowledgement and the mark; receivers
 * are idempotent. That is also why the mark's commit does not wait for the disk: a mark lost in a database
 * crash only means the record goes out once more.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final AgroalDataSource dataSource;
    private final Emitter<String> replies;
    private final RelayThread thread = new RelayThread("outbox-relay", this::sweep);
    /** The last pass had a record the broker did not take: send one row per pass until one lands. */
    private volatile boolean troubled;

    @Inject
    public OutboxRelay(AgroalDataSource dataSource, @Channel("saga-replies") Emitter<String> replies) {
        this.dataSource = dataSource;
        this.replies = replies;
    }

    private record Row(long id, Outgoing record) {
    }

    /** Publishes what is pending, soon, on the relay's own thread. */
    public void kick() {
        thread.kick();
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
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Row> rows = pending(c, troubled ? 1 : BATCH);
                if (rows.isEmpty()) {
                    c.commit();
                    return 0;
                }
                List<RecordMetadata> landed = KafkaPublish.allAndAwait(replies, rows.stream().map(Row::record).toList(), PATIENCE);
                List<Row> sent = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    if (landed.get(i) != null) {
                        sent.add(rows.get(i));
                    }
                }
                markPublished(c, sent);
                c.commit();
                troubled = KafkaPublish.troubled(landed);
                if (troubled) {
                    LOG.warnf("outbox relay: the broker took %d of %d records; the rest go out one per pass until it"
                            + " takes them again", sent.size(), rows.size());
                    return 0;
                }
                return rows.size();
            } catch (KafkaPublish.NotPublished | SQLException | RuntimeException e) {
                troubled = true;
                c.rollback();
                throw new SQLException("could not publish the outbox: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static List<Row> pending(Connection c, int limit) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, topic, message_key, payload::text, trace_parent FROM outbox"
                + " WHERE published_at IS NULL ORDER BY id LIMIT " + limit + " FOR UPDATE SKIP LOCKED");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), new Outgoing(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))));
            }
        }
        return rows;
    }

    private static void markPublished(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = off");
        }
        Array ids = c.createArrayOf("bigint", rows.stream().map(Row::id).toArray());
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET published_at = now() WHERE id = ANY (?)")) {
            ps.setArray(1, ids);
            ps.executeUpdate();
        }
    }

    @PreDestroy
    void stop() {
        thread.close();
    }
}
