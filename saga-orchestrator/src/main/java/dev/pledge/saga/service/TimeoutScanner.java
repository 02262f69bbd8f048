package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.saga.config.SagaConfig;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.SagaEvent;
import dev.pledge.saga.protocol.SagaMachine;
import dev.pledge.saga.protocol.SagaMachine.Transition;
import dev.pledge.saga.protocol.StepDefinition;
import dev.pledge.saga.store.OutboxWritten;
import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Timers;
import dev.pledge.saga.store.Timers.Timer;
import dev.pledge.saga.store.Tx;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/** Fires the timeouts of commands that got no reply in time: each a timeout event for the saga's machine. */
@ApplicationScoped
public class TimeoutScanner {
    private static final Logger LOG = Logger.getLogger(TimeoutScanner.class);

    @Inject
    AgroalDataSource db;
    @Inject
    SagaStore store;
    @Inject
    Timers timers;
    @Inject
    TransitionWriter transitions;
    @Inject
    SagaDefinition definition;
    @Inject
    SagaConfig config;
    @Inject
    CrashPoints crashPoints;
    @Inject
    Event<OutboxWritten> written;
    @Inject
    Event<SagaSignal> signals;

    private volatile boolean resumed;

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
            scanOnce();
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
    public int scanOnce() throws SQLException {
        List<Timer> due = Tx.run(db, c -> timers.due(c, Instant.now(), 200));
        int fired = 0;
        for (Timer timer : due) {
            Fired f = Tx.run(db, c -> fire(c, timer));
            if (f != null) {
                fired++;
                if (f.crashPoint() != null) {
                    crashPoints.hit(f.crashPoint().label());
                }
            }
        }
        if (fired > 0) {
            written.fire(new OutboxWritten());
        }
        return fired;
    }

    /** A timer that moved its saga, and the crash point that reached (or null). */
    private record Fired(OrchestratorPoint crashPoint) {
    }

    /** Fires one timer: null when it changed nothing. */
    private Fired fire(Connection c, Timer timer) throws SQLException {
        Optional<SagaRow> row = store.lock(c, timer.saga());
        if (!timers.take(c, timer) || row.isEmpty() || !row.get().flow().orchestrated()) {
            return null;
        }
        SagaRow saga = row.get();
        Instant now = Instant.now();
        Transition t = new SagaMachine(definition, saga.flow())
                .next(saga.state(), new SagaEvent.TimedOut(timer.step(), timer.attempt(), timer.compensation(), now));
        if (t.state().equals(saga.state())) {
            return null;
        }
        StepDefinition step = definition.step(timer.step());
        store.append(c, TimelineEntry.of(saga.id(), now, step.name(), "TIMEOUT", timer.attempt(), step.participant(),
                "no reply to " + TransitionWriter.verb(step, timer.compensation()) + " within " + step.timeout().toMillis()
                        + " ms"));
        signals.fire(new SagaSignal.TimedOut(saga.flow(), step.name(), timer.compensation()));
        transitions.apply(c, transitions.running(saga), t, now);
        return new Fired(TransitionWriter.crashPointAfter(saga.state(), t));
    }
}
