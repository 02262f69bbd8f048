package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.log.DecisionLog.Ack;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog.Snapshot;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;
import dev.pledge.coordinator.service.Arrivals.Arrival;

/**
 * Sends a logged decision to every branch that has not acknowledged it, all at once, and closes the
 * transaction once all have. Used right after deciding and by recovery, which repeats it until done.
 */
@ApplicationScoped
public class PhaseTwo {

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    CrashPoints crashPoints;
    @Inject
    CoordinatorMetrics metrics;

    /** @return true when every branch acknowledged and the transaction is now final */
    public boolean complete(UUID id) {
        return complete(log.snapshot(id));
    }

    /** Completes a transaction as just read or written: saves reading it again. */
    public boolean complete(Snapshot tx) {
        UUID id = tx.id();
        if (tx.state().isFinal()) {
            return true;
        }
        boolean commit = tx.state() == TxState.COMMITTING;
        if (!commit && tx.state() != TxState.ABORTING) {
            throw new IllegalStateException("transaction " + id + " is " + tx.state() + ": nothing decided to send");
        }
        String done = commit ? "COMMITTED" : "ABORTED";
        boolean threePhase = tx.protocol() == Protocol.THREE_PC;
        String message = !commit ? "abort" : threePhase ? "do-commit" : "commit";
        Arrivals<Sent> arrivals = new Arrivals<>();
        for (int i = 0; i < tx.branches().size(); i++) {
            BranchSpec b = tx.branches().get(i);
            if (!done.equals(tx.branchStates().get(i))) {
                String gid = DecisionLog.gid(id, b.participant());
                log.event(id, TxEvent.Kind.SEND, b.participant(), message + " " + gid, null);
                long t0 = System.nanoTime();
                arrivals.expect(new Sent(b, gid, t0), !commit ? calls.abort(b.url(), gid, tx.epoch())
                        : threePhase ? calls.doCommit(b.url(), gid, tx.epoch()) : calls.commit(b.url(), gid, tx.epoch()));
            }
        }
        List<Ack> acks = new ArrayList<>();
        boolean unacknowledged = false;
        boolean firstAck = true;
        for (Arrival<Sent> a = arrivals.next(); a != null; a = arrivals.next()) {
            Ack ack = a.failure() == null ? acked(id, a, commit && firstAck, threePhase)
                    : refused(id, tx.epoch(), a, commit, message);
            firstAck &= a.failure() != null;
            if (ack == null) {
                unacknowledged = true;
            } else {
                acks.add(ack);
            }
        }
        if (unacknowledged) {
            if (!acks.isEmpty()) {
                log.recordAcks(id, tx.epoch(), acks);
            }
            return false;
        }
        DecisionLog.Ended ended = log.finish(id, tx.epoch(), acks);
        metrics.ended(ended.protocol(), ended.state(), ended.took());
        return true;
    }

    /** A decision on its way to a branch. */
    private record Sent(BranchSpec branch, String gid, long sentAt) {
        long millisTo(Arrival<Sent> a) {
            return TimeUnit.NANOSECONDS.toMillis(a.at() - sentAt);
        }
    }

    /** A branch's acknowledgement (its final state), on the timeline; the first commit's reaches its crash point. */
    private Ack acked(UUID id, Arrival<Sent> a, boolean firstCommit, boolean threePhase) {
        BranchSpec b = a.key().branch();
        log.event(id, TxEvent.Kind.RECEIVE, b.participant(), "ack: branch " + a.reply().state(), a.key().millisTo(a));
        if (firstCommit) {
            crashPoints.hit(threePhase ? "after-first-docommit" : "after-first-commit");
        }
        return new Ack(b.participant(), a.reply().state());
    }

    /** @return the branch's final state when it ended the other way on its own, or null when it gave no ack */
    private Ack refused(UUID id, long epoch, Arrival<Sent> a, boolean commit, String message) {
        BranchSpec b = a.key().branch();
        RuntimeException e = a.failure();
        if (!(e instanceof WebApplicationException) && !(e instanceof ProcessingException)) {
            throw e;
        }
        if (ParticipantCalls.isStaleEpoch(e)) {
            log.event(id, TxEvent.Kind.ERROR, b.participant(), Calls.fenced(epoch), a.key().millisTo(a));
            return null; // the replica that owns it now finishes it
        }
        String endedOtherwise = e instanceof WebApplicationException w && w.getResponse().getStatus() == 409
                ? endedOtherwise(b, a.key().gid(), commit) : null;
        if (endedOtherwise != null) {
            log.event(id, TxEvent.Kind.ERROR, b.participant(), "branch already " + endedOtherwise
                    + " on its own, against the logged " + (commit ? "COMMIT" : "ABORT")
                    + ": atomicity is broken and needs an operator", a.key().millisTo(a));
            return new Ack(b.participant(), endedOtherwise); // final, though not as decided: re-sending cannot change it
        }
        log.event(id, TxEvent.Kind.ERROR, b.participant(), "no ack for " + (commit ? "commit" : "abort")
                + " after retries: " + Calls.describe(e, message, b.url()), a.key().millisTo(a));
        return null;
    }

    /**
     * A participant refuses a decision (409) when its branch has already ended the other way: under 3PC's
     * termination protocol across a partition. Returns that opposite final state, or null for any other refusal.
     */
    private String endedOtherwise(BranchSpec b, String gid, boolean commit) {
        String opposite = commit ? "ABORTED" : "COMMITTED";
        try {
            return opposite.equals(calls.state(b.url(), gid).state()) ? opposite : null;
        } catch (WebApplicationException | ProcessingException e) {
            return null; // not known now: the next pass asks again
        }
    }
}
