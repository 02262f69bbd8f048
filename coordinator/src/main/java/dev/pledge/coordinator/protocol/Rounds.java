package dev.pledge.coordinator.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.protocol.Action.Finish;
import dev.pledge.coordinator.protocol.Action.Hit;
import dev.pledge.coordinator.protocol.Action.RecordAcks;
import dev.pledge.coordinator.protocol.Action.Send;
import dev.pledge.coordinator.protocol.Action.Stop;
import dev.pledge.coordinator.protocol.Event.Acked;
import dev.pledge.coordinator.protocol.Event.NoAnswer;
import dev.pledge.coordinator.protocol.Event.Reported;

/**
 * Rounds of messages, the bookkeeping {@link TwoPhase} and {@link ThreePhase} share: send one message to some
 * branches at once, take their answers, and act once the last one is in. Also the decision's last phase, which
 * both protocols run alike: the decision goes to every branch not yet in its final state, and the transaction
 * ends once every branch has answered; a branch that ended the other way on its own makes the end MIXED.
 */
final class Rounds {
    private Rounds() {
    }

    /** Sends {@code message} to each of {@code to}; with none to send to, the round is over at once. */
    static Transition start(TxView tx, Message message, List<String> to, Function<TxView, Transition> over) {
        TxView sending = tx.sending(message, to);
        Transition sent = new Transition(sending, to.stream().<Action>map(p -> new Send(message, p)).toList());
        return to.isEmpty() ? sent.then(over.apply(sending)) : sent;
    }

    /** Takes one answer of the round; the first acknowledgement reaches {@code firstAck} (if any). */
    static Transition answer(TxView tx, Event event, CrashPoint firstAck, Function<TxView, Transition> over) {
        TxView now = event instanceof Acked a ? tx.answered(a.participant(), a.state(), true)
                : event instanceof Reported r ? tx.answered(r.participant(), r.state(), false)
                : tx.answered(((NoAnswer) event).participant(), null, false);
        List<Action> actions = new ArrayList<>();
        if (firstAck != null && event instanceof Acked && !tx.round().acked()) {
            actions.add(new Hit(firstAck));
        }
        Transition taken = new Transition(now, actions);
        return now.round().over() ? taken.then(over.apply(now)) : taken;
    }

    /** Whether the event is an answer to a round of {@code message}. */
    static boolean isAnswer(TxView tx, Event event, Message message) {
        return tx.round() != null && tx.round().message() == message
                && (event instanceof Acked || event instanceof Reported || event instanceof NoAnswer);
    }

    /** The logged decision's last phase: {@code commit} (or abort) to every branch not yet committed (aborted). */
    static Transition sendDecision(TxView tx, Message commit) {
        boolean committing = tx.state() == TxState.COMMITTING;
        BranchState done = committing ? BranchState.COMMITTED : BranchState.ABORTED;
        return start(tx, committing ? commit : Message.ABORT, tx.notIn(Set.of(done)), Rounds::decisionOver);
    }

    /** Every branch answered the decision: the end; or one did not, and the next pass sends it again. */
    static Transition decisionOver(TxView tx) {
        List<Ack> acks = tx.round().answers();
        if (tx.round().unanswered()) {
            return acks.isEmpty() ? Transition.of(tx, new Stop()) : Transition.of(tx, new RecordAcks(acks), new Stop());
        }
        TxView ended = tx.in(tx.state().ended(tx.known()));
        return Transition.of(ended, new Finish(ended.state(), acks));
    }

    /** The decision's own crash point on the first acknowledgement of a commit (none for an abort). */
    static CrashPoint firstCommitAck(TxView tx, CrashPoint commitPoint) {
        return tx.round().message() == Message.ABORT ? null : commitPoint;
    }
}
