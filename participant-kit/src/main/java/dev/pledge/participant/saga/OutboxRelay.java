package dev.pledge.participant.saga;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import dev.pledge.common.kafka.KafkaPublish;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes outbox rows to Kafka, oldest first, each to its own topic with its key, and marks them
 * published once the broker acknowledged. Each record goes out in the trace of the change that wrote its row. Runs right after each handled command and every second (rows
 * left by a crash between commit and publish go out then). A row may be published twice if the process dies
 * between the acknowledgement and the mark; receivers are idempotent.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    @Channel("saga-replies")
    Emitter<String> replies;

    private record Row(long id, String topic, String key, String payload, String traceparent) {
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
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Row> rows = pending(c);
                for (Row r : rows) {
                    KafkaPublish.andAwait(replies, r.topic(), r.key(), r.payload(), r.traceparent(), Duration.ofSeconds(10));
                    markPublished(c, r.id());
                }
                c.commit();
                return rows.size();
            } catch (Exception e) {
                c.rollback();
                throw new SQLException("could not publish the outbox: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static List<Row> pending(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, topic, message_key, payload::text, trace_parent FROM outbox"
                + " WHERE published_at IS NULL ORDER BY id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return rows;
    }

    private static void markPublished(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET published_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
