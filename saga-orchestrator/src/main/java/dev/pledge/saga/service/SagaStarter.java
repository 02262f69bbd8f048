package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.saga.config.SagaConfig;
import dev.pledge.saga.protocol.ChoreographyTracker;
import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.SagaMachine;
import dev.pledge.saga.protocol.SagaMachine.Transition;
import dev.pledge.saga.store.OutboxWritten;
import dev.pledge.saga.store.SagaOutbox;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Tx;
import io.agroal.api.AgroalDataSource;

/**
 * Starts order sagas, each in one local transaction: the saga, and either its first commands with their
 * timeouts (orchestrated flows) or the OrderPlaced event the participants react to (choreography).
 */
@ApplicationScoped
public class SagaStarter {
    @Inject
    AgroalDataSource db;
    @Inject
    SagaStore store;
    @Inject
    SagaOutbox outbox;
    @Inject
    TransitionWriter transitions;
    @Inject
    SagaDefinition definition;
    @Inject
    SagaConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    CrashPoints crashPoints;
    @Inject
    Event<OutboxWritten> written;

    /** @param key the client's idempotency key, or null; one already taken fails the start with SQL state 23505 */
    public UUID start(Order order, Flow flow, IdempotencyKey key) throws SQLException {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        Tx.run(db, c -> {
            if (flow.orchestrated()) {
                Transition t = new SagaMachine(definition, flow).start(now);
                store.insert(c, id, flow, t.state(), transitions.write(order), now, key);
                started(c, id, flow, order, now);
                transitions.apply(c, new TransitionWriter.Running(id, flow, now, order), t, now);
            } else {
                store.insert(c, id, flow, ChoreographyTracker.start(now, definition.size()), transitions.write(order), now, key);
                started(c, id, flow, order, now);
                placeOrder(c, id, order, now);
            }
            return null;
        });
        crashPoints.hit(OrchestratorPoint.AFTER_SAGA_START.label());
        written.fire(new OutboxWritten());
        return id;
    }

    private void started(Connection c, UUID id, Flow flow, Order order, Instant now) throws SQLException {
        store.append(c, TimelineEntry.of(id, now, null, "STARTED", null, null, flow.label() + " saga for " + order.describe()));
    }

    /** The one message a choreographed saga needs from here: the order, for inventory to react to. */
    private void placeOrder(Connection c, UUID id, Order order, Instant now) throws SQLException {
        long entry = store.append(c, TimelineEntry.of(id, now, null, "EVENT", null, "orchestrator",
                ChoreographyTracker.ORDER_PLACED)).orElseThrow();
        ObjectNode event = json.createObjectNode().put("sagaId", id.toString()).put("type", ChoreographyTracker.ORDER_PLACED)
                .put("participant", "saga-orchestrator");
        event.set("order", json.valueToTree(order));
        outbox.enqueue(c, id, entry, config.eventTopic(), event.toString(), now);
    }
}
