package dev.pledge.saga.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
import dev.pledge.common.kafka.KafkaPublish;
import dev.pledge.common.kafka.KafkaPublish.Outgoing;
import dev.pledge.saga.service.Tx;
import dev.pledge.saga.store.SagaOutbox.Landed;
import dev.pledge.saga.store.SagaOutbox.Pending;
import dev.pledge.saga.store.SagaOutbox;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes the orchestrator's outbox to Kafka: each command to its participant's topic, keyed by the saga
 * id, once its delay has passed. The broker's acknowledgement gives the record's partition and offset,
 * which go into the saga's timeline. The instance that committed a command {@linkplain #sendNow sends} it,
 * straight after the commit or when its delay has passed ({@link AfterCommitSends}). The relay, every second,
 * publishes what no sender did: rows left by a crash between commit and send, rows whose send the broker refused
 * or did not acknowledge in time, rows written while the broker was away. It takes only rows due for longer
 * than {@link AfterCommitSends#GRACE}, so it does not publish again what an instance has just sent and not yet
 * marked; the rows of one pass go out together. A command may be published twice if the process dies between
 * acknowledgement and mark, or if the broker takes longer than the grace; participants answer a repeat with
 * the same reply.
 *
 * <p>Every orchestrator instance runs a relay over the same outbox. A relay holds the rows it publishes
 * locked until it has marked them ({@code FOR UPDATE SKIP LOCKED}), so another relay skips them: each row is
 * published by one relay, and only a relay that dies between the broker's acknowledgement and its commit
 * leaves a row for another to publish again. Two senders may publish two rows of one saga out of their order
 * (a retry or a compensation sent while an earlier command was left to a relay); the participants' inbox makes
 * that harmless, as it does for any reordering: an older attempt is answered from the inbox and ignored here,
 * and a compensation that overtakes its action turns the action into a no-op.
 */
@ApplicationScoped
public class CommandRelay {
    private static final Logger LOG = Logger.getLogger(CommandRelay.class);
    private static final int BATCH = 200;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final AgroalDataSource db;
    private final SagaOutbox outbox;
    private final Emitter<String> commands;
    private final AfterCommitSends sends;

    @Inject
    public CommandRelay(AgroalDataSource db, SagaOutbox outbox, @Channel("saga-commands") Emitter<String> commands) {
        this.db = db;
        this.outbox = outbox;
        this.commands = commands;
        this.sends = new AfterCommitSends("saga-command-marks", commands, PATIENCE, this::markSent);
    }

    /**
     * Publishes commands just committed, each once its delay has passed, without waiting for the broker; call
     * it after the commit.
     */
    public void sendNow(List<Pending> rows) {
        sends.send(rows.stream().map(r -> new AfterCommitSends.Row(r.id(), outgoing(r), r.notBefore())).toList());
    }

    private static Outgoing outgoing(Pending r) {
        return new Outgoing(r.topic(), r.key(), r.payload(), r.traceparent());
    }

    private void markSent(List<AfterCommitSends.Landed> sent) throws SQLException {
        List<Landed> marks = sent.stream().map(l -> new Landed(l.id(), l.where().partition(), l.where().offset())).toList();
        Tx.run(db, c -> {
            mark(c, marks);
            return null;
        });
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            publishDue();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("command relay: %s; the next sweep tries again", e.getMessage());
        }
    }

    /**
     * Publishes every command no sender has published. One sweep at a time in this process; sweeps of other
     * instances run alongside, on other rows.
     */
    public synchronized int publishDue() throws SQLException {
        int published = 0;
        Batch batch;
        do {
            batch = Tx.run(db, this::publishBatch);
            published += batch.published();
            if (batch.failure() != null) {
                throw batch.failure();
            }
        } while (batch.full());
        return published;
    }

    private record Batch(int published, boolean full, SQLException failure) {
    }

    /**
     * Sends the rows left to the relay together, then marks those the broker took, with where each landed; the
     * others go out again later (participants answer a repeat, or a command out of order, from their inbox).
     * After a pass with a failure, a pass sends one row until the broker takes one again, so an outage does not
     * pile commands up in the producer.
     */
    private Batch publishBatch(Connection c) throws SQLException {
        List<Pending> due = outbox.leftToRelay(c, sends.troubled() ? 1 : BATCH, AfterCommitSends.GRACE, sends.inFlight());
        if (due.isEmpty()) {
            return new Batch(0, false, null);
        }
        List<RecordMetadata> landed;
        try {
            landed = KafkaPublish.allAndAwait(commands, due.stream().map(CommandRelay::outgoing).toList(), PATIENCE);
        } catch (KafkaPublish.NotPublished e) {
            sends.troubled(true);
            return new Batch(0, false, new SQLException(e.getMessage(), e));
        }
        List<Landed> marks = new ArrayList<>(landed.size());
        for (int i = 0; i < landed.size(); i++) {
            if (landed.get(i) != null) {
                marks.add(new Landed(due.get(i).id(), landed.get(i).partition(), landed.get(i).offset()));
            }
        }
        mark(c, marks);
        sends.troubled(KafkaPublish.troubled(landed));
        if (sends.troubled()) {
            return new Batch(marks.size(), false, new SQLException("the broker took " + marks.size() + " of " + due.size()
                    + " commands; the rest go out one per pass until it takes them again"));
        }
        return new Batch(due.size(), due.size() == BATCH, null);
    }

    /**
     * Marks commands published, in the caller's transaction. Its commit does not wait for the disk: a mark lost
     * in a database crash only means the command goes out again.
     */
    private void mark(Connection c, List<Landed> marks) throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = off");
        }
        outbox.markPublished(c, marks, Instant.now());
    }

    @PreDestroy
    public void stop() {
        sends.close();
    }
}
