package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.config.Pools;
import dev.pledge.coordinator.log.DecisionLog.Ack;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog.Snapshot;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;

/**
 * Sends a logged decision to every branch that has not acknowledged it, in parallel, and closes the
 * transaction once all have. Used right after deciding and by recovery, which repeats it until done.
 */
@ApplicationScoped
public class PhaseTwo {

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    @Named(Pools.CALLS)
    ExecutorService executor;
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
        AtomicBoolean firstAck = new AtomicBoolean(true);
        List<CompletableFuture<Ack>> pending = new ArrayList<>();
        for (int i = 0; i < tx.branches().size(); i++) {
            BranchSpec b = tx.branches().get(i);
            if (!done.equals(tx.branchStates().get(i))) {
                pending.add(CompletableFuture.supplyAsync(() -> sendOne(id, tx.epoch(), b, commit, threePhase, firstAck),
                        executor));
            }
        }
        List<Ack> acks = pending.stream().map(CompletableFuture::join).toList();
        if (acks.contains(null)) {
            List<Ack> some = acks.stream().filter(Objects::nonNull).toList();
            if (!some.isEmpty()) {
                log.recordAcks(id, tx.epoch(), some);
            }
            return false;
        }
        DecisionLog.Ended ended = log.finish(id, tx.epoch(), acks);
        metrics.ended(ended.protocol(), ended.state(), ended.took());
        return true;
    }

    /** @return the branch's acknowledgement (its final state), or null when it gave none */
    private Ack sendOne(UUID id, long epoch, BranchSpec b, boolean commit, boolean threePhase, AtomicBoolean firstAck) {
        String gid = DecisionLog.gid(id, b.participant());
        String message = !commit ? "abort" : threePhase ? "do-commit" : "commit";
        log.event(id, TxEvent.Kind.SEND, b.participant(), message + " " + gid, null);
        long t0 = System.nanoTime();
        try {
            BranchReply reply = !commit ? calls.abort(b.url(), gid, epoch)
                    : threePhase ? calls.doCommit(b.url(), gid, epoch) : calls.commit(b.url(), gid, epoch);
            log.event(id, TxEvent.Kind.RECEIVE, b.participant(), "ack: branch " + reply.state(), Calls.millisSince(t0));
            if (commit && firstAck.getAndSet(false)) {
                crashPoints.hit(threePhase ? "after-first-docommit" : "after-first-commit");
            }
            return new Ack(b.participant(), reply.state());
        } catch (WebApplicationException | ProcessingException e) {
            if (ParticipantCalls.isStaleEpoch(e)) {
                log.event(id, TxEvent.Kind.ERROR, b.participant(), Calls.fenced(epoch), Calls.millisSince(t0));
                return null; // the replica that owns it now finishes it
            }
            String endedOtherwise = e instanceof WebApplicationException w && w.getResponse().getStatus() == 409
                    ? endedOtherwise(b, gid, commit) : null;
            if (endedOtherwise != null) {
                log.event(id, TxEvent.Kind.ERROR, b.participant(), "branch already " + endedOtherwise
                        + " on its own, against the logged " + (commit ? "COMMIT" : "ABORT")
                        + ": atomicity is broken and needs an operator", Calls.millisSince(t0));
                return new Ack(b.participant(), endedOtherwise); // final, though not as decided: re-sending cannot change it
            }
            log.event(id, TxEvent.Kind.ERROR, b.participant(), "no ack for " + (commit ? "commit" : "abort")
                    + " after retries: " + Calls.describe(e, message, b.url()), Calls.millisSince(t0));
            return null;
        }
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
