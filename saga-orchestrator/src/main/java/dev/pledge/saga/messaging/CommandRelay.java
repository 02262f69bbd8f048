package dev.pledge.saga.messaging;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import dev.pledge.common.kafka.KafkaPublish;
import dev.pledge.saga.service.Tx;
import dev.pledge.saga.store.SagaOutbox.Pending;
import dev.pledge.saga.store.SagaOutbox;
import dev.pledge.saga.store.SagaStore;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes the orchestrator's outbox to Kafka: each command to its participant's topic, keyed by the saga
 * id, once its delay has passed. The broker's acknowledgement gives the record's partition and offset,
 * which go into the saga's timeline. Runs when kicked after a state change, at the time a delayed command
 * falls due, and every second (rows left by a crash go out then). A command may be published twice if the
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

    private final AgroalDataSource db;
    private final SagaOutbox outbox;
    private final SagaStore store;
    private final Emitter<String> commands;

    private final ScheduledExecutorService wakeups = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "saga-command-relay");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public CommandRelay(AgroalDataSource db, SagaOutbox outbox, SagaStore store,
                        @Channel("saga-commands") Emitter<String> commands) {
        this.db = db;
        this.outbox = outbox;
        this.store = store;
        this.commands = commands;
    }

    /** Publishes what is due, soon, on the relay's own thread. */
    public void kick() {
        wakeups.execute(this::sweep);
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
        int batch;
        do {
            SQLException[] failed = new SQLException[1];
            batch = Tx.run(db, c -> {
                List<Pending> rows = outbox.due(c, BATCH);
                int sent = 0;
                for (Pending row : rows) {
                    RecordMetadata where;
                    try {
                        where = send(row);
                    } catch (SQLException e) {
                        failed[0] = e; // keep the marks of what the broker already took
                        break;
                    }
                    Instant now = Instant.now();
                    outbox.markPublished(c, row.id(), now);
                    store.published(c, row.timelineId(), where.topic(), where.partition(), where.offset(), now);
                    sent++;
                }
                return failed[0] == null ? rows.size() : sent;
            });
            published += batch;
            if (failed[0] != null) {
                throw failed[0];
            }
        } while (batch == BATCH);
        Optional<Instant> next = Tx.run(db, outbox::nextDue);
        next.ifPresent(at -> {
            long wait = Math.max(0, Duration.between(Instant.now(), at).toMillis());
            if (wait < 1000) {
                wakeups.schedule(this::sweep, wait, TimeUnit.MILLISECONDS);
            }
        });
        return published;
    }

    private RecordMetadata send(Pending row) throws SQLException {
        try {
            return KafkaPublish.andAwait(commands, row.topic(), row.key(), row.payload(), row.traceparent(),
                    Duration.ofSeconds(10));
        } catch (KafkaPublish.NotPublished e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    @PreDestroy
    public void stop() {
        wakeups.shutdownNow();
    }
}
