package dev.pledge.saga.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import dev.pledge.common.kafka.KafkaPublish;
import dev.pledge.common.kafka.KafkaPublish.Outgoing;
import dev.pledge.common.kafka.RelayThread;
import dev.pledge.saga.store.OutboxWritten;
import dev.pledge.saga.store.Tx;
import dev.pledge.saga.store.SagaOutbox.Landed;
import dev.pledge.saga.store.SagaOutbox.Pending;
import dev.pledge.saga.store.SagaOutbox;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes the orchestrator's outbox to Kafka: each command to its participant's topic, keyed by the saga
 * id, once its delay has passed. The broker's acknowledgement gives the record's partition and offset,
 * which go into the saga's timeline. Runs on its own thread when kicked after a state change (kicks during a
 * pass join the next one, whose rows go out together), at the time a delayed command falls due, and every
 * second (rows left by a crash go out then). A command may be published twice if the
 * process dies between acknowledgement and mark; participants answer a repeat with the same reply.
 *
 * <p>Every orchestrator instance runs a relay over the same outbox. A relay holds the rows it publishes
 * locked until it has marked them ({@code FOR UPDATE SKIP LOCKED}), so another relay skips them: each row is
 * published by one relay, and only a relay that dies between the broker's acknowledgement and its commit
 * leaves a row for another to publish again. Two relays may publish two rows of one saga out of their order
 * when both are due at once (a retry or a compensation queued while an earlier command was still held); the
 * participants' inbox makes that harmless, as it does for any reordering: an older attempt is answered from
 * the inbox and ignored here, and a compensation that overtakes its action turns the action into a no-op.
 */
@ApplicationScoped
public class CommandRelay {
    private static final Logger LOG = Logger.getLogger(CommandRelay.class);
    private static final int BATCH = 200;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final AgroalDataSource db;
    private final SagaOutbox outbox;
    private final Emitter<String> commands;
    private final RelayThread thread = new RelayThread("saga-command-relay", this::sweep);
    /** The last pass had a command the broker did not take: send one row per pass until one lands. */
    private volatile boolean troubled;

    @Inject
    public CommandRelay(AgroalDataSource db, SagaOutbox outbox, @Channel("saga-commands") Emitter<String> commands) {
        this.db = db;
        this.outbox = outbox;
        this.commands = commands;
    }

    /** Publishes what is due, soon, on the relay's own thread. */
    public void kick() {
        thread.kick();
    }

    /** Rows were committed to the outbox: publish them now rather than at the next sweep. */
    void written(@Observes OutboxWritten written) {
        kick();
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
     * Publishes every command due now, then arranges a wake-up for the next delayed one. One sweep at a time
     * in this process; sweeps of other instances run alongside, on other rows.
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
        batch.nextDue().ifPresent(at -> {
            long wait = Math.max(0, Duration.between(Instant.now(), at).toMillis());
            if (wait < 1000) {
                thread.after(wait);
            }
        });
        return published;
    }

    private record Batch(int published, boolean full, SQLException failure, Optional<Instant> nextDue) {
    }

    /**
     * Sends the due rows together, then marks those the broker took, with where each landed; the others go
     * out again later (participants answer a repeat, or a command out of order, from their inbox). The marks'
     * commit does not wait for the disk: a mark lost in a database crash only means the command goes out
     * again. Rows falling due within a second are seen too, for the wake-up. After a pass with a failure, a
     * pass sends one row until the broker takes one again, so an outage does not pile commands up in the
     * producer.
     */
    private Batch publishBatch(Connection c) throws SQLException {
        List<Pending> rows = outbox.due(c, troubled ? 1 : BATCH);
        List<Pending> due = rows.stream().filter(Pending::due).toList();
        Optional<Instant> next = rows.stream().filter(r -> !r.due()).map(Pending::notBefore).min(Comparator.naturalOrder());
        if (due.isEmpty()) {
            return new Batch(0, false, null, next);
        }
        List<RecordMetadata> landed;
        try {
            landed = KafkaPublish.allAndAwait(commands, due.stream()
                    .map(r -> new Outgoing(r.topic(), r.key(), r.payload(), r.traceparent())).toList(), PATIENCE);
        } catch (KafkaPublish.NotPublished e) {
            troubled = true;
            return new Batch(0, false, new SQLException(e.getMessage(), e), Optional.empty());
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = off");
        }
        List<Landed> marks = new ArrayList<>(landed.size());
        for (int i = 0; i < landed.size(); i++) {
            if (landed.get(i) != null) {
                marks.add(new Landed(due.get(i).id(), landed.get(i).partition(), landed.get(i).offset()));
            }
        }
        outbox.markPublished(c, marks, Instant.now());
        troubled = KafkaPublish.troubled(landed);
        if (troubled) {
            return new Batch(marks.size(), false, new SQLException("the broker took " + marks.size() + " of " + due.size()
                    + " commands; the rest go out one per pass until it takes them again"), Optional.empty());
        }
        return new Batch(due.size(), rows.size() == BATCH, null, next);
    }

    @PreDestroy
    public void stop() {
        thread.close();
    }
}
