package dev.pledge.saga.service;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.Retry;

import dev.pledge.saga.protocol.ChoreographyTracker;
import dev.pledge.saga.protocol.SagaState;
import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Tx;
import io.agroal.api.AgroalDataSource;

/** Follows choreographed sagas, which the participants drive by themselves: the orchestrator only watches. */
@ApplicationScoped
public class ChoreographyObserver {
    @Inject
    AgroalDataSource db;
    @Inject
    SagaStore store;
    @Inject
    SagaEndings endings;
    @Inject
    Event<SagaSignal> signals;

    /**
     * Records an event of a choreographed saga: where the saga stands now, and the event in its timeline with
     * its Kafka coordinates. A redelivered event is recorded once.
     */
    @Retry(maxRetries = -1, delay = 200, jitter = 100, maxDuration = 0, retryOn = SQLException.class)
    public void onEvent(UUID sagaId, String type, String participant, String reason, Received where) throws SQLException {
        Tx.run(db, c -> {
            Optional<SagaRow> row = store.lock(c, sagaId);
            if (row.isEmpty() || row.get().flow().orchestrated() || ChoreographyTracker.ORDER_PLACED.equals(type)) {
                return null; // not a choreographed saga of this orchestrator, or its own event
            }
            SagaRow saga = row.get();
            Instant now = Instant.now();
            String step = ChoreographyTracker.stepOf(type);
            Optional<Long> entry = store.append(c, TimelineEntry.of(sagaId, now, step, "EVENT", null, participant,
                    type + (reason == null ? "" : " (" + reason + ")"))
                    .received(where.topic(), where.partition(), where.offset(), where.timestamp()));
            if (entry.isEmpty()) {
                return null;
            }
            SagaState next = ChoreographyTracker.apply(saga.state(), type, reason, now);
            if (next.equals(saga.state())) {
                store.annotate(c, entry.get(), saga.state().status().isFinal() ? "(after the end)" : "(no change)");
                return null;
            }
            store.update(c, sagaId, next, now);
            if (next.status().isFinal()) {
                store.append(c, TimelineEntry.of(sagaId, now, null, next.status().name(), null, null, next.reason()));
                signals.fire(new SagaSignal.Ended(saga.flow(), next.status().name(), Duration.between(saga.createdAt(), now)));
                endings.ended(c, sagaId);
            }
            return null;
        });
    }
}
