package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.SagaEvent;
import dev.pledge.saga.protocol.SagaMachine;
import dev.pledge.saga.protocol.SagaMachine.Transition;
import dev.pledge.saga.store.OutboxWritten;
import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Timers;
import dev.pledge.saga.store.Timers.Timer;
import dev.pledge.saga.store.Tx;
import io.agroal.api.AgroalDataSource;

/** Takes in the participants' replies to an orchestrated saga's commands, each in one local transaction. */
@ApplicationScoped
public class ReplyIntake {
    private static final Logger LOG = Logger.getLogger(ReplyIntake.class);

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
    CrashPoints crashPoints;
    @Inject
    Event<OutboxWritten> written;

    /**
     * Takes in one reply. A database failure is retried without end, so a reply is never dropped because the
     * database was away; other replies are taken in meanwhile, and the partition's offset is not committed past
     * this one until it is in.
     */
    @Retry(maxRetries = -1, delay = 200, jitter = 100, maxDuration = 0, retryOn = SQLException.class)
    public void onReply(ReplyMessage reply, Received where) throws SQLException {
        OrchestratorPoint crashAfter = Tx.run(db, c -> takeIn(c, reply, where));
        if (crashAfter != null) {
            crashPoints.hit(crashAfter.label());
        }
        written.fire(new OutboxWritten());
    }

    private OrchestratorPoint takeIn(Connection c, ReplyMessage reply, Received where) throws SQLException {
        Instant now = Instant.now();
        Optional<SagaRow> row = store.lock(c, reply.sagaId());
        if (row.isEmpty()) {
            LOG.warnf("reply for unknown saga %s at %s-%d@%d ignored", reply.sagaId(), where.topic(), where.partition(),
                    where.offset());
            return null;
        }
        SagaRow saga = row.get();
        int step = definition.indexOf(reply.step());
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
        transitions.apply(c, transitions.running(saga), t, now);
        crashPoints.hit(OrchestratorPoint.BEFORE_REPLY_COMMIT.label());
        return TransitionWriter.crashPointAfter(saga.state(), t);
    }

    private static SagaEvent event(ReplyMessage r, int step, Instant now) {
        boolean done = "DONE".equals(r.outcome());
        if (r.aboutCompensation()) {
            return done || "SKIPPED".equals(r.outcome()) ? new SagaEvent.Compensated(step, r.attempt(), now)
                    : new SagaEvent.CompensationFailed(step, r.attempt(), r.reason(), now);
        }
        return done ? new SagaEvent.Succeeded(step, r.attempt(), now)
                : new SagaEvent.Failed(step, r.attempt(), r.reason() == null ? r.outcome().toLowerCase(Locale.ROOT)
                        : r.reason(), false, now);
    }

    private static String describe(ReplyMessage r) {
        return (r.action() == null ? r.kind().toLowerCase(Locale.ROOT) : r.action()) + ": " + r.outcome()
                + (r.reason() == null ? "" : " (" + r.reason() + ")");
    }
}
