package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.fencing.Epochs;
import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.coordinator.client.BranchApi;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog.Snapshot;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.service.Arrivals.Arrival;

/**
 * Three-phase commit, coordinator side: can-commit (the vote; participants prepare for real and learn
 * their peers), pre-commit to all once everyone voted YES, then do-commit. Participants that lose the
 * coordinator finish by themselves (termination protocol), so a coordinator crash does not block them.
 */
@ApplicationScoped
public class ThreePhaseCommit {

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    Votes votes;
    @Inject
    PhaseTwo phaseTwo;
    @Inject
    InFlight inFlight;
    @Inject
    CrashPoints crashPoints;
    @Inject
    CoordinatorConfig config;

    /**
     * Runs one attempt at an order, a global transaction.
     *
     * @param key the client's idempotency key, or null
     * @return the votes the decision was made from
     */
    public List<Decision.Vote> run(Attempt attempt, List<BranchSpec> branches, IdempotencyKey key) {
        UUID id = attempt.id();
        boolean claimed = inFlight.claim(id);
        try {
            log.begin(attempt, Protocol.THREE_PC, branches, key);
            crashPoints.hit("before-prepare");
            List<BranchApi.Peer> peers = branches.stream()
                    .map(b -> new BranchApi.Peer(b.participant(), b.url(), DecisionLog.gid(id, b.participant()))).toList();
            BranchApi.Locking locking = Votes.locking(attempt);
            List<Decision.Vote> answers = votes.gather(id, branches, attempt.timeout(), "can-commit", attempt.policy(),
                    (b, gid, op, budgetMs) -> calls.canCommit(b.url(), gid, Epochs.FIRST,
                            new BranchApi.CanCommitBody(op, budgetMs, config.url(), peers, locking)));
            crashPoints.hit("after-votes");
            Decision decision = Decision.of(answers);
            Snapshot decided = log.decide(id, Epochs.FIRST, decision, answers);
            crashPoints.hit("after-decision");
            if (decision.kind() == Decision.Kind.COMMIT) {
                preCommitAll(decided);
            } else {
                phaseTwo.complete(decided);
            }
            return answers;
        } finally {
            if (claimed) {
                inFlight.release(id);
            }
        }
    }

    /**
     * Recovery of a transaction logged PRECOMMITTING. The participants may have run their termination protocol
     * while this coordinator was away, and may still be running it, so recovery applies the same rule as they
     * do (Skeen's backup coordinator): a branch that ended decides; otherwise a pre-committed branch means
     * finish the pre-commits and commit; otherwise, every branch merely prepared, abort, since no participant
     * can have committed and a terminating one may be aborting right now. Sending pre-commits to merely prepared
     * branches here could meet a participant that decided to abort from an older read of its peers. A branch
     * that cannot be asked ends the pass: the next one asks again. Takes the transaction as the caller read it
     * (and checked that it owns it), so that every write goes under the epoch the caller drives it under.
     */
    public boolean recoverPrecommitting(Snapshot tx) {
        UUID id = tx.id();
        List<String> states = new ArrayList<>();
        for (BranchSpec b : tx.branches()) {
            states.add(stateOf(b, DecisionLog.gid(id, b.participant()), tx.epoch()));
        }
        int aborted = Math.max(states.indexOf("ABORTED"), states.indexOf("WORKING"));
        if (aborted >= 0) { // beside a COMMITTED branch too: a split, which the abort's phase two records as MIXED
            return phaseTwo.complete(log.abortAfterTermination(id, tx.epoch(), tx.branches().get(aborted).participant()
                    + " had already aborted (termination protocol)"));
        }
        if (states.contains("COMMITTED") || states.contains("PRECOMMITTED")) {
            return preCommitAll(tx); // the termination protocol committed it, or the pre-commits got that far
        }
        return phaseTwo.complete(log.abortAfterTermination(id, tx.epoch(),
                "no participant was pre-committed, so none can have committed (termination rule)"));
    }

    /** Sends pre-commit to every branch not yet pre-committed, all at once; once all acknowledged, commits. */
    private boolean preCommitAll(Snapshot tx) {
        UUID id = tx.id();
        Arrivals<PreCommit> arrivals = new Arrivals<>();
        for (int i = 0; i < tx.branches().size(); i++) {
            BranchSpec b = tx.branches().get(i);
            if (!List.of("PRECOMMITTED", "COMMITTED").contains(tx.branchStates().get(i))) {
                String gid = DecisionLog.gid(id, b.participant());
                log.event(id, TxEvent.Kind.SEND, b.participant(), "pre-commit " + gid, null);
                arrivals.expect(new PreCommit(b, System.nanoTime()), calls.preCommit(b.url(), gid, tx.epoch()));
            }
        }
        List<DecisionLog.Ack> acks = new ArrayList<>();
        boolean unacknowledged = false;
        for (Arrival<PreCommit> a = arrivals.next(); a != null; a = arrivals.next()) {
            DecisionLog.Ack ack = preCommitted(id, tx.epoch(), a.key().branch(), a,
                    TimeUnit.NANOSECONDS.toMillis(a.at() - a.key().sentAt()), acks.isEmpty());
            if (ack == null) {
                unacknowledged = true;
            } else {
                acks.add(ack);
            }
        }
        if (unacknowledged) {
            log.recordAcks(id, tx.epoch(), acks);
            return false; // recovery repeats the pre-commits
        }
        Snapshot committing = log.precommitted(id, tx.epoch(), acks);
        crashPoints.hit("after-precommits");
        return phaseTwo.complete(committing);
    }

    /** A pre-commit on its way to a branch. */
    private record PreCommit(BranchSpec branch, long sentAt) {
    }

    /** @return the branch's acknowledgement, or null when it gave none; the first one reaches its crash point */
    private DecisionLog.Ack preCommitted(UUID id, long epoch, BranchSpec b, Arrival<PreCommit> a, long millis,
            boolean first) {
        if (a.failure() == null) {
            log.event(id, TxEvent.Kind.RECEIVE, b.participant(), "ack: branch " + a.reply().state(), millis);
            if (first) {
                crashPoints.hit("after-first-precommit");
            }
            return new DecisionLog.Ack(b.participant(), a.reply().state());
        }
        RuntimeException e = a.failure();
        if (!(e instanceof WebApplicationException) && !(e instanceof ProcessingException)) {
            throw e;
        }
        log.event(id, TxEvent.Kind.ERROR, b.participant(), ParticipantCalls.isStaleEpoch(e) ? Calls.fenced(epoch)
                : "no ack for pre-commit after retries: " + Calls.describe(e, "pre-commit", b.url()), millis);
        return null;
    }

    /** Read under the epoch: from then on the branch refuses calls of older epochs (a frozen replica's). */
    private String stateOf(BranchSpec b, String gid, long epoch) {
        try {
            return calls.state(b.url(), gid, epoch).state();
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return "WORKING";
            }
            throw e;
        }
    }
}
