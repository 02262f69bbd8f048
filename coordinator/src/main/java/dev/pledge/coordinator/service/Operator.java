package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.OperatorDecisions;
import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.log.TakenOver;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog.Snapshot;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.TxState;

/**
 * Operator tools for stuck transactions: what each participant says about an unfinished transaction, and
 * forcing an outcome where the protocol allows it. A logged decision is never reversed.
 */
@ApplicationScoped
public class Operator {

    /** One branch of an in-doubt transaction as its participant reports it now. */
    public record BranchNow(String participant, String url, String gid, String state) {
    }

    public record InDoubt(UUID id, String protocol, TxState state, List<BranchNow> branches) {
    }

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    InFlight inFlight;
    @Inject
    Driver driver;
    @Inject
    OperatorDecisions decisions;
    @Inject
    Leases leases;
    @Inject
    NodeIdentity node;

    public List<InDoubt> inDoubt() {
        List<InDoubt> out = new ArrayList<>();
        for (UUID id : log.unfinished()) {
            out.add(describe(log.snapshot(id)));
        }
        return out;
    }

    private InDoubt describe(Snapshot tx) {
        List<BranchNow> branches = tx.branches().stream().map(b -> {
            String gid = DecisionLog.gid(tx.id(), b.participant());
            return new BranchNow(b.participant(), b.url(), gid, participantState(b, gid));
        }).toList();
        return new InDoubt(tx.id(), tx.protocol().label(), tx.state(), branches);
    }

    private String participantState(BranchSpec b, String gid) {
        try {
            return calls.state(b.url(), gid).state();
        } catch (WebApplicationException e) {
            return e.getResponse().getStatus() == 404 ? "WORKING" : "ERROR " + e.getResponse().getStatus();
        } catch (ProcessingException e) {
            return "UNREACHABLE";
        }
    }

    /**
     * Forces an outcome and drives it to the participants now. Allowed: ABORT of an undecided transaction
     * unless a participant is already pre-committed or committed; COMMIT of an undecided one only when every
     * participant reports it prepared; repeating the logged decision. Refused: reversing a decision. This
     * replica takes the transaction over first (a new epoch), so whichever replica drove it stops.
     */
    public void force(UUID id, Decision.Kind outcome, String by, String caller, String reason) {
        // a logged decision never changes, so a reversal is refused whoever is driving the transaction now
        Snapshot logged = log.snapshotIfExists(id).orElseThrow(() -> ProblemException.notFound("no transaction " + id));
        refuseReversal(id, logged.state(), outcome);
        if (!inFlight.claim(id)) {
            throw ProblemException.conflict("transaction " + id + " is being driven right now; try again in a moment");
        }
        try {
            Snapshot tx = log.snapshotIfExists(id)
                    .orElseThrow(() -> ProblemException.notFound("no transaction " + id));
            check(describe(tx), outcome);
            long epoch = leases.adopt(id, node.nodeId()).orElseThrow(() -> ProblemException.notFound("no transaction " + id));
            decisions.force(id, epoch, outcome, by, caller, reason);
            Snapshot forced = log.snapshot(id);
            if (forced.epoch() != epoch) {
                throw new TakenOver(id, forced.owner(), forced.epoch(), epoch);
            }
            driver.resume(forced);
        } finally {
            inFlight.release(id);
        }
    }

    private static void check(InDoubt tx, Decision.Kind outcome) {
        TxState s = tx.state();
        if (s.isFinal()) {
            throw ProblemException.conflict("transaction " + tx.id() + " is already " + s);
        }
        boolean commit = outcome == Decision.Kind.COMMIT;
        refuseReversal(tx.id(), s, outcome);
        List<String> states = tx.branches().stream().map(BranchNow::state).toList();
        if (s == TxState.PREPARING || s == TxState.PRECOMMITTING) {
            if (commit && !states.stream().allMatch(st -> List.of("PREPARED", "PRECOMMITTED", "COMMITTED").contains(st))) {
                throw ProblemException.conflict("COMMIT needs every participant prepared; they report " + states);
            }
            if (!commit && states.stream().anyMatch(st -> List.of("PRECOMMITTED", "COMMITTED").contains(st))) {
                throw ProblemException.conflict("ABORT is not allowed: a participant is pre-committed or committed " + states);
            }
        }
    }

    private static void refuseReversal(UUID id, TxState s, Decision.Kind outcome) {
        boolean commit = outcome == Decision.Kind.COMMIT;
        if (s == TxState.COMMITTING && !commit || s == TxState.ABORTING && commit) {
            throw ProblemException.conflict("transaction " + id + " is " + s + ": its logged decision cannot be reversed");
        }
    }
}
