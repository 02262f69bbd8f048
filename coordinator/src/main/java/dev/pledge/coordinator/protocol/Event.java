package dev.pledge.coordinator.protocol;

import java.util.List;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.protocol.Decision.Vote;

/** What happens to a transaction, fed one at a time into {@link TwoPhase#next} or {@link ThreePhase#next}. */
public sealed interface Event {

    /** The transaction is in the log, PREPARING, and nothing has been sent: its first run begins. */
    record Begun() implements Event {
    }

    /** Recovery (or an operator's forced outcome) found it unfinished in the log, as the view shows it. */
    record Found() implements Event {
    }

    /** The votes came in (or ran out of time): one per branch. */
    record Voted(List<Vote> votes) implements Event {
        public Voted {
            votes = List.copyOf(votes);
        }
    }

    /** A branch acknowledged the round's message and is now in this state. */
    record Acked(String participant, BranchState state) implements Event {
    }

    /**
     * A branch's state as read rather than acknowledged: the answer to recovery's inquiry, or the final state
     * of a branch that refused a decision because it had ended the other way on its own.
     */
    record Reported(String participant, BranchState state) implements Event {
    }

    /** No answer from a branch, after retries, or a refusal that says nothing of its state: unknown for now. */
    record NoAnswer(String participant) implements Event {
    }
}
