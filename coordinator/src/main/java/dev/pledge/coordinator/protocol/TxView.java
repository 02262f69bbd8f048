package dev.pledge.coordinator.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.protocol.Decision.Vote;

/**
 * What the protocol functions see of a transaction: the state logged, what each branch was last known to be,
 * and the round of messages under way, if any. A pure value: each event gives a new one.
 *
 * @param round the message sent and the answers awaited, or null between rounds
 */
public record TxView(TxState state, List<Branch> branches, Round round) {

    /** A branch as the coordinator last knew it: {@code known} is null when no vote came, so its state is unknown. */
    public record Branch(String participant, BranchState known) {
    }

    /**
     * One message sent to some branches at once: who has still to answer, what the others answered, whether
     * one of them gave no answer, and whether one acknowledged it (rather than being read or refusing).
     */
    public record Round(Message message, List<String> awaiting, List<Ack> answers, boolean unanswered, boolean acked) {
        public Round {
            awaiting = List.copyOf(awaiting);
            answers = List.copyOf(answers);
        }

        public boolean over() {
            return awaiting.isEmpty();
        }
    }

    public TxView {
        branches = List.copyOf(branches);
    }

    /** A transaction as the log holds it: each branch's state as stored ({@code UNKNOWN}: no vote came). */
    public static TxView of(TxState state, List<String> participants, List<String> states) {
        List<Branch> branches = new ArrayList<>();
        for (int i = 0; i < participants.size(); i++) {
            String s = states.get(i);
            branches.add(new Branch(participants.get(i), s == null || s.equals("UNKNOWN") ? null : BranchState.valueOf(s)));
        }
        return new TxView(state, branches, null);
    }

    /** A transaction just begun: every branch WORKING. */
    public static TxView begun(List<String> participants) {
        return new TxView(TxState.PREPARING, participants.stream().map(p -> new Branch(p, BranchState.WORKING)).toList(), null);
    }

    public List<String> participants() {
        return branches.stream().map(Branch::participant).toList();
    }

    public List<BranchState> known() {
        return branches.stream().map(Branch::known).toList();
    }

    /** The branches not known to be in one of these states (unknown ones included), in branch order. */
    public List<String> notIn(Set<BranchState> states) {
        return branches.stream().filter(b -> b.known() == null || !states.contains(b.known())).map(Branch::participant).toList();
    }

    /** The same transaction in a state its log allows next (see {@link TxState#moveTo}). */
    TxView in(TxState next) {
        return new TxView(state.moveTo(next), branches, round);
    }

    /** Branch states as the decision logs them with its votes: YES prepared, NO aborted, no vote unknown. */
    TxView knowing(List<Vote> votes) {
        List<Branch> now = new ArrayList<>(branches);
        for (Vote v : votes) {
            int i = participants().indexOf(v.participant());
            if (now.get(i).known() == BranchState.WORKING) {
                now.set(i, new Branch(v.participant(), v.yes() ? BranchState.PREPARED
                        : v.answered() ? BranchState.ABORTED : null));
            }
        }
        return new TxView(state, now, round);
    }

    /** A new round: {@code message} to these branches, all at once. */
    TxView sending(Message message, List<String> to) {
        return new TxView(state, branches, new Round(message, to, List.of(), false, false));
    }

    /**
     * One branch answered the round, with its state (an acknowledgement or a read), or with nothing ({@code state}
     * null). An acknowledgement also becomes what the branch is known to be.
     */
    TxView answered(String participant, BranchState state, boolean ack) {
        if (round == null || !round.awaiting().contains(participant)) {
            throw new IllegalStateException("an answer from " + participant + ", which no round awaits");
        }
        List<String> awaiting = new ArrayList<>(round.awaiting());
        awaiting.remove(participant);
        List<Ack> answers = new ArrayList<>(round.answers());
        List<Branch> now = new ArrayList<>(branches);
        if (state != null) {
            answers.add(new Ack(participant, state));
            if (round.message().acknowledged()) {
                now.set(participants().indexOf(participant), new Branch(participant, state));
            }
        }
        return new TxView(this.state, now, new Round(round.message(), awaiting, answers, round.unanswered() || state == null,
                round.acked() || ack));
    }
}
