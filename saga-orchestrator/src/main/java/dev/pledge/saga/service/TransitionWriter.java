package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.saga.config.SagaConfig;
import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.SagaAction;
import dev.pledge.saga.protocol.SagaAction.Finish;
import dev.pledge.saga.protocol.SagaAction.Send;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.SagaMachine.Transition;
import dev.pledge.saga.protocol.SagaState;
import dev.pledge.saga.protocol.StepDefinition;
import dev.pledge.saga.protocol.StepState.Phase;
import dev.pledge.saga.store.SagaOutbox;
import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Timers;
import dev.pledge.saga.store.Timers.Timer;

/**
 * Writes an orchestrated saga's transition inside the caller's local transaction: the new state and what it
 * calls for, commands in the outbox with their timeouts (timers), or the end. The relay publishes the
 * commands once the transaction commits.
 */
@ApplicationScoped
public class TransitionWriter {
    @Inject
    SagaStore store;
    @Inject
    Timers timers;
    @Inject
    SagaOutbox outbox;
    @Inject
    SagaConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    SagaDefinition definition;
    @Inject
    SagaEndings endings;
    @Inject
    Event<SagaSignal> signals;

    /** An orchestrated saga being moved on: what a transition's actions need of it. */
    record Running(UUID id, Flow flow, Instant startedAt, Order order) {
    }

    Running running(SagaRow saga) throws SQLException {
        return new Running(saga.id(), saga.flow(), saga.createdAt(), read(saga));
    }

    void apply(Connection c, Running saga, Transition t, Instant now) throws SQLException {
        UUID id = saga.id();
        store.update(c, id, t.state(), now);
        for (SagaAction action : t.actions()) {
            if (action instanceof Send s) {
                send(c, saga, s, now);
            } else if (action instanceof Finish f) {
                timers.cancelAll(c, id);
                store.append(c, TimelineEntry.of(id, now, null, f.status().name(), null, null, f.reason()));
                signals.fire(new SagaSignal.Ended(saga.flow(), f.status().name(), Duration.between(saga.startedAt(), now)));
                endings.ended(c, id);
            }
        }
    }

    private void send(Connection c, Running saga, Send s, Instant now) throws SQLException {
        UUID id = saga.id();
        StepDefinition step = definition.step(s.step());
        String verb = verb(step, s.compensation());
        String kind = s.compensation() ? "COMPENSATION" : s.attempt() > 1 ? "RETRY" : "COMMAND";
        Instant notBefore = now.plus(s.delay());
        String detail = verb + (s.delay().isZero() ? "" : " after " + s.delay().toMillis() + " ms");
        long entry = store.append(c, TimelineEntry.of(id, now, step.name(), kind, s.attempt(), step.participant(), detail))
                .orElseThrow();
        ObjectNode command = json.createObjectNode()
                .put("sagaId", id.toString())
                .put("step", step.name())
                .put("kind", s.compensation() ? "COMPENSATION" : "ACTION")
                .put("action", verb)
                .put("attempt", s.attempt())
                .put("replyTopic", config.replyTopic());
        command.set("operation", operation(step.participant(), saga.order()));
        outbox.enqueue(c, id, entry, SagaConfig.commandTopic(step.participant()), command.toString(), notBefore);
        timers.start(c, new Timer(id, s.step(), s.compensation(), s.attempt()), notBefore.plus(s.timeout()));
        if (s.attempt() > 1) {
            signals.fire(new SagaSignal.Retried(saga.flow(), step.name(), s.compensation()));
        } else if (s.compensation()) {
            signals.fire(new SagaSignal.Compensating(saga.flow(), step.name()));
        }
    }

    /** The part of the order a participant acts on. */
    JsonNode operation(String participant, Order order) {
        return switch (participant) {
            case "inventory" -> json.createObjectNode().put("sku", order.sku()).put("qty", order.qty());
            case "payment" -> json.createObjectNode().put("account", order.account())
                    .put("amount", order.amount().toPlainString());
            default -> throw new IllegalStateException("the order saga has no participant " + participant);
        };
    }

    /**
     * The crash point a committed transition reaches: after-first-step when the first step's success was
     * committed with a command for a later step; before-compensation when the first compensations were.
     */
    static OrchestratorPoint crashPointAfter(SagaState before, Transition t) {
        boolean sendsAction = t.actions().stream().anyMatch(a -> a instanceof Send s && !s.compensation() && s.step() > 0);
        boolean firstCompensation = before.steps().stream()
                .noneMatch(st -> st.phase() == Phase.COMPENSATING || st.phase() == Phase.COMPENSATED)
                && t.actions().stream().anyMatch(a -> a instanceof Send s && s.compensation());
        if (before.step(0).phase() == Phase.ACTING && t.state().step(0).phase() == Phase.DONE && sendsAction) {
            return OrchestratorPoint.AFTER_FIRST_STEP;
        }
        return firstCompensation ? OrchestratorPoint.BEFORE_COMPENSATION : null;
    }

    static String verb(StepDefinition step, boolean compensation) {
        return compensation ? step.compensation().orElseThrow() : step.action();
    }

    String write(Order order) {
        try {
            return json.writeValueAsString(order);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("order is not serialisable", e);
        }
    }

    Order read(SagaRow saga) throws SQLException {
        try {
            return json.readValue(saga.payload(), Order.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("saga " + saga.id() + " holds an unreadable order: " + e.getOriginalMessage(), e);
        }
    }
}
