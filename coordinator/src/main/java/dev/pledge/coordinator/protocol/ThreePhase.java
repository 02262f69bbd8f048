package dev.pledge.coordinator.protocol;

import static dev.pledge.common.protocol.BranchState.ABORTED;
import static dev.pledge.common.protocol.BranchState.COMMITTED;
import static dev.pledge.common.protocol.BranchState.PRECOMMITTED;
import static dev.pledge.common.protocol.BranchState.WORKING;
import static dev.pledge.coordinator.protocol.TxState.ABORTING;
import static dev.pledge.coordinator.protocol.TxState.COMMITTING;
import static dev.pledge.coordinator.protocol.TxState.PRECOMMITTING;
import static dev.pledge.coordinator.protocol.TxState.PREPARING;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.pledge.coordinator.protocol.Action.AskVotes;
import dev.pledge.coordinator.protocol.Action.Hit;
import dev.pledge.coordinator.protocol.Action.Inquire;
import dev.pledge.coordinator.protocol.Action.LogDecision;
import dev.pledge.coordinator.protocol.Action.LogPrecommitted;
import dev.pledge.coordinator.protocol.Action.RecordAcks;
import dev.pledge.coordinator.protocol.Action.Stop;
import dev.pledge.coordinator.protocol.Event.Acked;
import dev.pledge.coordinator.protocol.Event.Begun;
import dev.pledge.coordinator.protocol.Event.Found;
import dev.pledge.coordinator.protocol.Event.NoAnswer;
import dev.pledge.coordinator.protocol.Event.Reported;
import dev.pledge.coordinator.protocol.Event.Voted;

/**
 * Three-phase commit, the coordinator's side, as one pure function. Between the votes and the commit, every
 * branch is pre-committed: told that everyone voted YES. A participant that loses the coordinator finishes by
 * itself (the termination protocol, participant-kit's {@code TerminationRule}), so a coordinator crash does not
 * block it; recovery then applies the same rule as the participants (Skeen's backup coordinator).
 *
 * <pre>
 * state          event                      next           actions
 * PREPARING      Begun                      PREPARING      hit before-prepare; ask every branch can-commit
 *                                                          (the first answer reaches after-first-prepare)
 * PREPARING      Voted, every vote YES      PRECOMMITTING  hit after-votes; force COMMIT to the log;
 *                                                          hit after-decision; send pre-commit to every branch
 * PREPARING      Voted, a NO or no vote     ABORTING       hit after-votes; force ABORT; hit after-decision;
 *                                                          send abort to every branch but those that voted NO
 * PREPARING      Found (by recovery)        ABORTING       force ABORT (presumed abort); send abort
 * PRECOMMITTING  Acked, the first           PRECOMMITTING  hit after-first-precommit
 * PRECOMMITTING  the last ack                COMMITTING     log the acks and COMMITTING (not forced);
 *                                                          hit after-precommits; send do-commit
 * PRECOMMITTING  the last answer, one none  PRECOMMITTING  record the acks; stop (recovery asks again)
 * PRECOMMITTING  Found                      PRECOMMITTING  read every branch's state, one by one (a read is
 *                                                          answered by Reported; a pre-commit by Acked)
 * PRECOMMITTING  Reported, the last: a branch ABORTED or never prepared
 *                                           ABORTING       force ABORT; send abort (beside a COMMITTED
 *                                                          branch this ends MIXED: a split, for an operator)
 *                 ... else a branch COMMITTED or PRECOMMITTED
 *                                           PRECOMMITTING  send pre-commit to every branch not yet pre-committed
 *                 ... else every branch merely PREPARED
 *                                           ABORTING       force ABORT: none was pre-committed, so none can
 *                                                          have committed; send abort
 * PRECOMMITTING  NoAnswer to the read       PRECOMMITTING  stop (the next pass reads again)
 * COMMITTING,    Found, answers             as in 2PC      do-commit in place of commit; the first ack of a
 * ABORTING                                                 do-commit reaches after-first-docommit
 * </pre>
 *
 * Recovery never sends pre-commits to branches merely prepared: one may be terminating right now, and
 * aborting from an older read of its peers. Every other pair of state and event is refused.
 */
public final class ThreePhase {
    private static final Set<dev.pledge.common.protocol.BranchState> PRECOMMITTED_OR_ON = Set.of(PRECOMMITTED, COMMITTED);

    private ThreePhase() {
    }

    public static Transition next(TxView tx, Event event) {
        TxState s = tx.state();
        if (s == PREPARING && event instanceof Begun && tx.round() == null) {
            return Transition.of(tx, new Hit(CrashPoint.BEFORE_PREPARE),
                    new AskVotes(Message.CAN_COMMIT, CrashPoint.AFTER_FIRST_PREPARE));
        }
        if (s == PREPARING && event instanceof Voted v) {
            Decision decision = Decision.of(v.votes());
            boolean commit = decision.kind() == Decision.Kind.COMMIT;
            TxView decided = tx.knowing(v.votes()).in(commit ? PRECOMMITTING : ABORTING);
            Transition logged = Transition.of(decided, new Hit(CrashPoint.AFTER_VOTES),
                    new LogDecision(decided.state(), decision, v.votes()), new Hit(CrashPoint.AFTER_DECISION));
            return logged.then(commit ? preCommit(decided) : Rounds.sendDecision(decided, Message.DO_COMMIT));
        }
        if (s == PREPARING && event instanceof Found) {
            return TwoPhase.presumedAbort(tx, Message.DO_COMMIT);
        }
        if (s == PRECOMMITTING && event instanceof Found) {
            TxView reading = tx.sending(Message.STATE, tx.participants());
            return new Transition(reading, tx.participants().stream().<Action>map(Inquire::new).toList());
        }
        if (s == PRECOMMITTING && Rounds.isAnswer(tx, event, Message.STATE) && !(event instanceof Acked)) {
            if (event instanceof NoAnswer n) {
                return Transition.of(tx.answered(n.participant(), null, false), new Stop());
            }
            return Rounds.answer(tx, event, null, ThreePhase::terminationRule);
        }
        if (s == PRECOMMITTING && Rounds.isAnswer(tx, event, Message.PRE_COMMIT) && !(event instanceof Reported)) {
            return Rounds.answer(tx, event, CrashPoint.AFTER_FIRST_PRECOMMIT, ThreePhase::precommitsOver);
        }
        if ((s == COMMITTING || s == ABORTING) && event instanceof Found) {
            return Rounds.sendDecision(tx, Message.DO_COMMIT);
        }
        if ((s == COMMITTING || s == ABORTING) && Rounds.isAnswer(tx, event, s == COMMITTING ? Message.DO_COMMIT : Message.ABORT)) {
            return Rounds.answer(tx, event, Rounds.firstCommitAck(tx, CrashPoint.AFTER_FIRST_DOCOMMIT), Rounds::decisionOver);
        }
        throw TwoPhase.refused("3PC", tx, event);
    }

    /** Pre-commit to every branch not yet pre-committed (or further). */
    private static Transition preCommit(TxView tx) {
        return Rounds.start(tx, Message.PRE_COMMIT, tx.notIn(PRECOMMITTED_OR_ON), ThreePhase::precommitsOver);
    }

    private static Transition precommitsOver(TxView tx) {
        List<Ack> acks = tx.round().answers();
        if (tx.round().unanswered()) {
            return Transition.of(tx, new RecordAcks(acks), new Stop());
        }
        TxView committing = tx.in(COMMITTING);
        return Transition.of(committing, new LogPrecommitted(acks), new Hit(CrashPoint.AFTER_PRECOMMITS))
                .then(Rounds.sendDecision(committing, Message.DO_COMMIT));
    }

    /** Recovery's rule, once every branch's state is read: the participants' own termination rule. */
    private static Transition terminationRule(TxView tx) {
        List<Ack> read = tx.round().answers();
        Optional<Ack> aborted = read.stream().filter(a -> a.state() == ABORTED || a.state() == WORKING).findFirst();
        if (aborted.isPresent()) { // beside a COMMITTED branch too: a split, which the abort's last phase records as MIXED
            return abort(tx, aborted.get().participant() + " had already aborted (termination protocol)");
        }
        if (read.stream().anyMatch(a -> PRECOMMITTED_OR_ON.contains(a.state()))) {
            return preCommit(tx); // the termination protocol committed it, or the pre-commits got that far
        }
        return abort(tx, "no participant was pre-committed, so none can have committed (termination rule)");
    }

    private static Transition abort(TxView tx, String reason) {
        TxView aborting = tx.in(ABORTING);
        return Transition.of(aborting, new LogDecision(ABORTING, Decision.abort(reason), List.of()))
                .then(Rounds.sendDecision(aborting, Message.DO_COMMIT));
    }
}
