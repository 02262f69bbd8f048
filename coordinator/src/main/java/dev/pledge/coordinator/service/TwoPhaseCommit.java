package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.fencing.Epochs;
import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.client.BranchApi;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;

/**
 * Two-phase commit, coordinator side: log the transaction, gather the votes in parallel, force the
 * decision to the log, then send it to every participant until each acknowledges (see {@link PhaseTwo}).
 */
@ApplicationScoped
public class TwoPhaseCommit {

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

    /**
     * Runs one attempt at an order, a global transaction, to its end (or to IN_DOUBT when phase 2 cannot finish now).
     *
     * @param key the client's idempotency key, or null
     * @return the votes the decision was made from
     */
    public List<Decision.Vote> run(Attempt attempt, List<BranchSpec> branches, IdempotencyKey key) {
        UUID id = attempt.id();
        boolean claimed = inFlight.claim(id);
        try {
            log.begin(attempt, Protocol.TWO_PC, branches, key);
            crashPoints.hit("before-prepare");
            BranchApi.Locking locking = Votes.locking(attempt);
            List<Decision.Vote> answers = votes.gather(id, branches, attempt.timeout(), "prepare", attempt.policy(),
                    (b, gid, op, budgetMs) -> calls.prepare(b.url(), gid, Epochs.FIRST, op, budgetMs, locking));
            crashPoints.hit("after-votes");
            DecisionLog.Snapshot decided = log.decide(id, Epochs.FIRST, Decision.of(answers), answers);
            crashPoints.hit("after-decision");
            phaseTwo.complete(decided);
            return answers;
        } finally {
            if (claimed) {
                inFlight.release(id);
            }
        }
    }
}
