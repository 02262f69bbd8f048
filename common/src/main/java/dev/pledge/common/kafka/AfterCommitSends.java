package dev.pledge.common.kafka;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows from the process that wrote them, straight after the commit (or, for a row that may
 * leave only later, at that time), without the committing thread waiting for the broker: a message then leaves
 * with no relay wake-up and no outbox read in its way. The broker's acknowledgements are marked in the outbox
 * afterwards, several together, on a thread of their own.
 *
 * <p>A row is its writer's to send until {@link #GRACE} after it may leave; relays take only rows older than
 * that, so one process's relay does not publish a row that another has just sent and not yet marked. A row
 * also stays {@linkplain #inFlight() in flight} from its send until its mark is written, and this process's
 * relay leaves such rows alone however old they are. A row the broker refuses, or does not acknowledge within
 * the patience, leaves the flight and is the relays' again; so is every row never sent here (a crash between
 * commit and send, rows written while the broker was away). After a failure, sends here stop until a relay's
 * one-row passes find the broker taking records again ({@link #troubled}), so an outage never piles records up
 * in the producer. A row may still go out twice (an acknowledgement slower than the grace, a mark lost in a
 * crash); receivers take a record twice or out of order, as they do for the relay.
 */
public final class AfterCommitSends implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AfterCommitSends.class);
    private static final long MARK_RETRY_MS = 1000;
    /** How long after a row may leave it is still its writer's to send; relays take only older rows. */
    public static final Duration GRACE = Duration.ofSeconds(2);

    /** An outbox row just committed: its id, the record it holds, and when it may leave (null: at once). */
    public record Row(long id, KafkaPublish.Outgoing record, Instant notBefore) {
        public Row(long id, KafkaPublish.Outgoing record) {
            this(id, record, null);
        }
    }

    /** A row the broker took, and where it put the record. */
    public record Landed(long id, RecordMetadata where) {
    }

    /** Writes the marks of rows the broker took, in one transaction. */
    @FunctionalInterface
    public interface Marks {
        void mark(List<Landed> landed) throws SQLException;
    }

    private final Emitter<String> emitter;
    private final Marks marks;
    private final Duration patience;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Queue<Landed> unmarked = new ConcurrentLinkedQueue<>();
    private final RelayThread marker;
    private final ScheduledExecutorService later;
    private volatile boolean troubled;

    /**
     * @param name     the marking thread's name
     * @param patience how long a send may wait for the broker's acknowledgement before its row is the relay's
     */
    public AfterCommitSends(String name, Emitter<String> emitter, Duration patience, Marks marks) {
        this.emitter = emitter;
        this.patience = patience;
        this.marks = marks;
        this.marker = new RelayThread(name, this::markLanded);
        this.later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-later");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends the rows in their order, each when it may leave, and returns at once. Leaves them to the relays
     * while {@linkplain #troubled troubled}.
     */
    public void send(List<Row> rows) {
        for (Row row : rows) {
            if (troubled) {
                return;
            }
            inFlight.add(row.id());
            long wait = row.notBefore() == null ? 0 : Duration.between(Instant.now(), row.notBefore()).toMillis();
            if (wait <= 0) {
                publish(row);
                continue;
            }
            try {
                later.schedule(() -> publish(row), wait, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                inFlight.remove(row.id()); // stopping: the relays send it after the next start
            }
        }
    }

    private void publish(Row row) {
        if (troubled) {
            inFlight.remove(row.id());
            return;
        }
        KafkaPublish.send(emitter, row.record())
                .orTimeout(patience.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((where, failure) -> {
                    if (failure == null) {
                        unmarked.add(new Landed(row.id(), where));
                        marker.kick();
                    } else {
                        troubled = true;
                        inFlight.remove(row.id());
                        LOG.warnf("could not publish outbox row %d (%s); a relay sends it", row.id(),
                                failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
                    }
                });
    }

    /** Ids of rows sent here, or waiting here to leave, whose marks are not yet written: a relay skips them. */
    public List<Long> inFlight() {
        return List.copyOf(inFlight);
    }

    /** Whether the broker refused a record or did not take one in time, and no relay pass has landed one since. */
    public boolean troubled() {
        return troubled;
    }

    /** What the relay's last pass found: true when the broker did not take a record it sent. */
    public void troubled(boolean troubled) {
        this.troubled = troubled;
    }

    private void markLanded() {
        List<Landed> batch = new ArrayList<>();
        for (Landed l = unmarked.poll(); l != null; l = unmarked.poll()) {
            batch.add(l);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            marks.mark(batch);
            batch.forEach(l -> inFlight.remove(l.id()));
        } catch (SQLException | RuntimeException e) {
            unmarked.addAll(batch);
            LOG.warnf("could not mark %d published outbox rows (%s); trying again in %d ms", batch.size(), e.getMessage(),
                    MARK_RETRY_MS);
            marker.after(MARK_RETRY_MS);
        }
    }

    /**
     * Stops sending (rows still waiting to leave are the relays' after the next start), writes the marks still
     * waiting if the database lets it, and stops the marking thread.
     */
    @Override
    public void close() {
        later.shutdownNow();
        marker.close();
        markLanded();
    }
}
