package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.saga.config.SagaConfig;
import dev.pledge.saga.messaging.CommandRelay;
import dev.pledge.saga.messaging.ReplyMessage;
import dev.pledge.saga.metrics.SagaMetrics;
import dev.pledge.saga.protocol.ChoreographyTracker;
import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.OrderSaga;
import dev.pledge.saga.protocol.SagaAction.Finish;
import dev.pledge.saga.protocol.SagaAction.Send;
import dev.pledge.saga.protocol.SagaAction;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.SagaEvent;
import dev.pledge.saga.protocol.SagaMachine.Transition;
import dev.pledge.saga.protocol.SagaMachine;
import dev.pledge.saga.protocol.SagaState;
import dev.pledge.saga.protocol.StepDefinition;
import dev.pledge.saga.protocol.StepState.Phase;
import dev.pledge.saga.store.SagaOutbox;
import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Timers.Timer;
import dev.pledge.saga.store.Timers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Drives orchestrated sagas with the {@link SagaMachine}. Every state change is one local transaction that
 * also writes the timeline, the commands it calls for (outbox) and their timeouts (timers); the relay
 * publishes the commands afterwards. So a crash at any moment leaves a log the orchestrator resumes from:
 * unpublished commands go out, unanswered ones time out and are retried, replies not yet taken in are
 * delivered again.
 */
@ApplicationScoped
public class SagaEngine {
    /** Crash point: the saga and its first commands are committed, nothing published yet. */
    public static final String AFTER_SAGA_START = "after-saga-start";
    /** Crash point: the first step's success is committed with the next commands, not yet published. */
    public static final String AFTER_FIRST_STEP = "after-first-step";
    /** Crash point: the decision to compensate is committed with the compensations, not yet published. */
    public static final String BEFORE_COMPENSATION = "before-compensation";
    /** Crash point: a reply has been applied inside its transaction, which is not yet committed. */
    public static final String BEFORE_REPLY_COMMIT = "before-reply-commit";
    private static final Logger LOG = Logger.getLogger(SagaEngine.class);

    /** Where a received message sat in Kafka. */
    public record Received(String topic, int partition, long offset, Instant timestamp) {
    }

    @Inject
    AgroalDataSource db;
    @Inject
    SagaStore store;
    @Inject
    Timers timers;
    @Inject
    SagaOutbox outbox;
    @Inject
    CommandRelay relay;
    @Inject
    CrashPoints crashPoints;
    @Inject
    SagaConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    SagaMetrics metrics;
    @Inject
    SagaEndings endings;

    private SagaDefinition definition;
    private volatile boolean resumed;

    @PostConstruct
    void init() {
        definition = OrderSaga.definition(config.stepTimeout(), config.attempts(), config.backoff(), config.forwardDeadline());
    }

    public SagaDefinition definition() {
        return definition;
    }

    /**
     * Starts an order saga in one transaction: the saga, and either its first commands with their timeouts
     * (orchestrated flows) or the OrderPlaced event the participants react to (choreography).
     */
    /** @param key the client's idempotency key, or null; one already taken fails the start with SQL state 23505 */
    public UUID start(Order order, Flow flow, IdempotencyKey key) throws SQLException {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        Tx.run(db, c -> {
            if (flow.orchestrated()) {
                Transition t = new SagaMachine(definition, flow).start(now);
                store.insert(c, id, flow, t.state(), write(order), now, key);
                started(c, id, flow, order, now);
                apply(c, new Running(id, flow, now, order), t, now);
            } else {
                store.insert(c, id, flow, ChoreographyTracker.start(now, definition.size()), write(order), now, key);
                started(c, id, flow, order, now);
                placeOrder(c, id, order, now);
            }
            return null;
        });
        crashPoints.hit(AFTER_SAGA_START);
        relay.kick();
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

    /**
     * Records an event of a choreographed saga, as an observer: where the saga stands now, and the event in
     * its timeline with its Kafka coordinates. A redelivered event is recorded once.
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
                metrics.ended(saga.flow(), next.status().name(), Duration.between(saga.createdAt(), now));
                endings.ended(c, sagaId);
            }
            return null;
        });
    }

    /**
     * Takes in one reply. A database failure is retried without end, so a reply is never dropped because the
     * database was away; other replies are taken in meanwhile, and the partition's offset is not committed past
     * this one until it is in.
     */
    @Retry(maxRetries = -1, delay = 200, jitter = 100, maxDuration = 0, retryOn = SQLException.class)
    public void onReply(ReplyMessage reply, Received where) throws SQLException {
        String crashAfter = Tx.run(db, c -> takeIn(c, reply, where));
        if (crashAfter != null) {
            crashPoints.hit(crashAfter);
        }
        relay.kick();
    }

    private String takeIn(Connection c, ReplyMessage reply, Received where) throws SQLException {
        Instant now = Instant.now();
        Optional<SagaRow> row = store.lock(c, reply.sagaId());
        if (row.isEmpty()) {
            LOG.warnf("reply for unknown saga %s at %s-%d@%d ignored", reply.sagaId(), where.topic(), where.partition(),
                    where.offset());
            return null;
        }
        SagaRow saga = row.get();
        int step = stepIndex(reply.step());
        String participant = step < 0 ? reply.participant() : definition.step(step).participant();
        Optional<Long> entry = store.append(c, TimelineEntry.of(saga.id(), now, reply.step(), "REPLY", reply.attempt(),
                participant, describe(reply)).received(where.topic(), where.partition(), where.offset(), where.timestamp()));
        if (entry.isEmpty()) {
            return null; // this very record was taken in before a crash
        }
        if (step < 0 || !saga.flow().orchestrated()) {
            store.annotate(c, entry.get(), "(ignored: no such step)");
            return null;
        }
        Transition t = new SagaMachine(definition, saga.flow()).next(saga.state(), event(reply, step, now));
        if (t.state().equals(saga.state())) {
            store.annotate(c, entry.get(), saga.state().status().isFinal()
                    ? "(ignored: the saga has ended)" : "(ignored: a repeat or an older attempt)");
            return null;
        }
        timers.take(c, new Timer(saga.id(), step, reply.aboutCompensation(), reply.attempt()));
        apply(c, running(saga), t, now);
        crashPoints.hit(BEFORE_REPLY_COMMIT);
        return crashPointAfter(saga.state(), t);
    }

    /**
     * After a restart, replies may be waiting in Kafka for commands whose timers fell due while this process
     * was down. Those timers get one more step timeout, so the replies are taken in before anything is
     * retried or compensated.
     *
     * <p>Other instances may be running on the same database, and this moves their overdue timers too. That
     * is harmless: a live instance fires a timer within a second of its due time, so what moves is at most
     * a second overdue, and it only fires one step timeout later than it could have; a timeout is a lower
     * bound on the wait for a reply, never a promise to retry at once. Nothing else is resumed here: every
     * saga's work lies in shared tables (outbox, timers) and in the reply topic's partitions, which each
     * instance takes up as the consumer group assigns them, so a start does not disturb a saga another
     * instance is driving.
     */
    void onStart(@Observes StartupEvent event) throws SQLException {
        int deferred = Tx.run(db, c -> timers.deferDue(c, Instant.now().plus(config.stepTimeout())));
        if (deferred > 0) {
            LOG.infof("resuming: %d overdue command timeouts deferred by %d ms to let waiting replies in", deferred,
                    config.stepTimeout().toMillis());
        }
        resumed = true;
        LOG.infof("orchestrator instance %s started; it takes the replies of the partitions its group gives it",
                config.instanceId());
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void timeouts() {
        if (!resumed) {
            return; // overdue timers are deferred first
        }
        try {
            scanTimersOnce();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("timeout scan: %s; the next scan tries again", e.getMessage());
        }
    }

    /**
     * Fires every timeout now due; returns how many changed a saga. Called by the scheduler and by tests.
     * Every instance scans the same table, so two scans may pick the same timer: each fires it under the
     * saga's row lock, and only the one whose delete removes the timer row moves the saga; the other finds
     * it gone and changes nothing.
     */
    public int scanTimersOnce() throws SQLException {
        List<Timer> due = Tx.run(db, c -> timers.due(c, Instant.now(), 200));
        int fired = 0;
        for (Timer timer : due) {
            Optional<String> crashAfter = Tx.run(db, c -> fire(c, timer));
            if (crashAfter.isPresent()) {
                fired++;
                if (!crashAfter.get().isEmpty()) {
                    crashPoints.hit(crashAfter.get());
                }
            }
        }
        if (fired > 0) {
            relay.kick();
        }
        return fired;
    }

    /** Fires one timer: empty when it changed nothing, else the crash point it reached ("" for none). */
    private Optional<String> fire(Connection c, Timer timer) throws SQLException {
        Optional<SagaRow> row = store.lock(c, timer.saga());
        if (!timers.take(c, timer) || row.isEmpty() || !row.get().flow().orchestrated()) {
            return Optional.empty();
        }
        SagaRow saga = row.get();
        Instant now = Instant.now();
        Transition t = new SagaMachine(definition, saga.flow())
                .next(saga.state(), new SagaEvent.TimedOut(timer.step(), timer.attempt(), timer.compensation(), now));
        if (t.state().equals(saga.state())) {
            return Optional.empty();
        }
        StepDefinition step = definition.step(timer.step());
        store.append(c, TimelineEntry.of(saga.id(), now, step.name(), "TIMEOUT", timer.attempt(), step.participant(),
                "no reply to " + verb(step, timer.compensation()) + " within " + step.timeout().toMillis() + " ms"));
        metrics.timeout(saga.flow(), step.name(), timer.compensation());
        apply(c, running(saga), t, now);
        String point = crashPointAfter(saga.state(), t);
        return Optional.of(point == null ? "" : point);
    }

    /** Writes the new state and what it calls for: commands in the outbox with their timers, or the end. */
    /** An orchestrated saga being moved on: what a transition's actions need of it. */
    private record Running(UUID id, Flow flow, Instant startedAt, Order order) {
    }

    private Running running(SagaRow saga) throws SQLException {
        return new Running(saga.id(), saga.flow(), saga.createdAt(), read(saga));
    }

    private void apply(Connection c, Running saga, Transition t, Instant now) throws SQLException {
        UUID id = saga.id();
        store.update(c, id, t.state(), now);
        for (SagaAction action : t.actions()) {
            if (action instanceof Send s) {
                send(c, saga, s, now);
            } else if (action instanceof Finish f) {
                timers.cancelAll(c, id);
                store.append(c, TimelineEntry.of(id, now, null, f.status().name(), null, null, f.reason()));
                metrics.ended(saga.flow(), f.status().name(), Duration.between(saga.startedAt(), now));
                endings.ended(c, id);
            }
        }
    }

    private void send(Connection c, Running saga, Send s, Instant now) throws SQLException {
        UUID id = saga.id();
        Order order = saga.order();
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
        command.set("operation", operation(step.participant(), order));
        outbox.enqueue(c, id, entry, SagaConfig.commandTopic(step.participant()), command.toString(), notBefore);
        timers.start(c, new Timer(id, s.step(), s.compensation(), s.attempt()), notBefore.plus(s.timeout()));
        if (s.attempt() > 1) {
            metrics.retry(saga.flow(), step.name(), s.compensation());
        } else if (s.compensation()) {
            metrics.compensation(saga.flow(), step.name());
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
    private static String crashPointAfter(SagaState before, Transition t) {
        boolean sendsAction = t.actions().stream().anyMatch(a -> a instanceof Send s && !s.compensation() && s.step() > 0);
        boolean firstCompensation = before.steps().stream()
                .noneMatch(st -> st.phase() == Phase.COMPENSATING || st.phase() == Phase.COMPENSATED)
                && t.actions().stream().anyMatch(a -> a instanceof Send s && s.compensation());
        if (before.step(0).phase() == Phase.ACTING && t.state().step(0).phase() == Phase.DONE && sendsAction) {
            return AFTER_FIRST_STEP;
        }
        return firstCompensation ? BEFORE_COMPENSATION : null;
    }

    private static SagaEvent event(ReplyMessage r, int step, Instant now) {
        boolean done = "DONE".equals(r.outcome());
        if (r.aboutCompensation()) {
            return done || "SKIPPED".equals(r.outcome()) ? new SagaEvent.Compensated(step, r.attempt(), now)
                    : new SagaEvent.CompensationFailed(step, r.attempt(), r.reason(), now);
        }
        return done ? new SagaEvent.Succeeded(step, r.attempt(), now)
                : new SagaEvent.Failed(step, r.attempt(), r.reason() == null ? r.outcome().toLowerCase() : r.reason(), false, now);
    }

    private static String describe(ReplyMessage r) {
        return (r.action() == null ? r.kind().toLowerCase() : r.action()) + ": " + r.outcome()
                + (r.reason() == null ? "" : " (" + r.reason() + ")");
    }

    private int stepIndex(String name) {
        for (int i = 0; i < definition.size(); i++) {
            if (definition.step(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String verb(StepDefinition step, boolean compensation) {
        return compensation ? step.compensation().orElseThrow() : step.action();
    }

    private String write(Order order) {
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
