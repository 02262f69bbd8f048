package dev.pledge.coordinator.protocol;

import static dev.pledge.coordinator.protocol.TxState.ABORTING;
import static dev.pledge.coordinator.protocol.TxState.COMMITTING;
import static dev.pledge.coordinator.protocol.TxState.PREPARING;

import java.util.List;

import dev.pledge.coordinator.protocol.Action.AskVotes;
import dev.pledge.coordinator.protocol.Action.Hit;
import dev.pledge.coordinator.protocol.Action.LogDecision;
import dev.pledge.coordinator.protocol.Event.Begun;
import dev.pledge.coordinator.protocol.Event.Found;
import dev.pledge.coordinator.protocol.Event.Voted;

/**
 * Two-phase commit, the coordinator's side, as one pure function: the first run and recovery feed their events
 * into the same {@link #next}, and a driver runs the actions it returns, in order.
 *
 * <pre>
 * state       event                      next        actions
 * PREPARING   Begun                      PREPARING   hit before-prepare; ask every branch to prepare
 *                                                    (the first answer reaches after-first-prepare)
 * PREPARING   Voted, every vote YES      COMMITTING  hit after-votes; force COMMIT to the log;
 *                                                    hit after-decision; send commit to every branch
 * PREPARING   Voted, a NO or no vote     ABORTING    hit after-votes; force ABORT to the log;
 *                                                    hit after-decision; send abort to every branch but
 *                                                    those that voted NO
 * PREPARING   Found (by recovery)        ABORTING    force ABORT (presumed abort: no decision was logged,
 *                                                    so no branch can have committed); send abort
 * COMMITTING  Found                      COMMITTING  send commit to every branch not yet COMMITTED
 * ABORTING    Found                      ABORTING    send abort to every branch not yet ABORTED
 * COMMITTING  Acked, the first           COMMITTING  hit after-first-commit
 * either      the last answer, all acks  COMMITTED,  log the acks and the end (MIXED when a branch
 *                                        ABORTED or  reports it ended the other way on its own)
 *                                        MIXED
 * either      the last answer, one none  the same    record the acks; stop (recovery sends again)
 * </pre>
 *
 * Every other pair of state and event is refused. The decision is in the log before any branch is sent it:
 * every commit and abort follows a LogDecision in the same transition, or a state that is already decided
 * ({@code TwoPhaseTableTest}).
 */
public final class TwoPhase {
    private TwoPhase() {
    }

    public static Transition next(TxView tx, Event event) {
        TxState s = tx.state();
        if (s == PREPARING && event instanceof Begun && tx.round() == null) {
            return Transition.of(tx, new Hit(CrashPoint.BEFORE_PREPARE),
                    new AskVotes(Message.PREPARE, CrashPoint.AFTER_FIRST_PREPARE));
        }
        if (s == PREPARING && event instanceof Voted v) {
            Decision decision = Decision.of(v.votes());
            TxView decided = tx.knowing(v.votes()).in(decision.kind() == Decision.Kind.COMMIT ? COMMITTING : ABORTING);
            return Transition.of(decided, new Hit(CrashPoint.AFTER_VOTES), new LogDecision(decided.state(), decision, v.votes()),
                    new Hit(CrashPoint.AFTER_DECISION)).then(Rounds.sendDecision(decided, Message.COMMIT));
        }
        if (s == PREPARING && event instanceof Found) {
            return presumedAbort(tx, Message.COMMIT);
        }
        if ((s == COMMITTING || s == ABORTING) && event instanceof Found) {
            return Rounds.sendDecision(tx, Message.COMMIT);
        }
        if ((s == COMMITTING || s == ABORTING) && Rounds.isAnswer(tx, event, s == COMMITTING ? Message.COMMIT : Message.ABORT)) {
            return Rounds.answer(tx, event, Rounds.firstCommitAck(tx, CrashPoint.AFTER_FIRST_COMMIT), Rounds::decisionOver);
        }
        throw refused("2PC", tx, event);
    }

    /** Recovery found no decision: none was sent, so none of the branches can have committed, and all abort. */
    static Transition presumedAbort(TxView tx, Message commit) {
        Decision abort = Decision.abort("presumed abort: the coordinator stopped before deciding");
        TxView aborting = tx.in(ABORTING);
        return Transition.of(aborting, new LogDecision(ABORTING, abort, List.of())).then(Rounds.sendDecision(aborting, commit));
    }

    static IllegalStateException refused(String protocol, TxView tx, Event event) {
        return new IllegalStateException(protocol + " has no transition from " + tx.state()
                + (tx.round() == null ? "" : " (awaiting " + tx.round().message().label() + " answers)") + " on " + event);
    }
}
