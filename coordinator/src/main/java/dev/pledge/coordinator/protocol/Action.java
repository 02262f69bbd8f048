package dev.pledge.coordinator.protocol;

import java.util.List;

import dev.pledge.coordinator.protocol.Decision.Vote;

/** What a protocol function asks its driver to do, in order. No action is run before the one listed ahead of it. */
public sealed interface Action {

    /** Reach a named crash point: a no-op unless armed. */
    record Hit(CrashPoint point) implements Action {
    }

    /** Ask every branch for its vote, within the transaction's time; the first answer reaches {@code afterFirst}. */
    record AskVotes(Message message, CrashPoint afterFirst) implements Action {
    }

    /** Force the decision to the log, in state {@code next}, with the votes it was made from. */
    record LogDecision(TxState next, Decision decision, List<Vote> votes) implements Action {
        public LogDecision {
            votes = List.copyOf(votes);
        }
    }

    /** Send a message to one branch; its answer comes back as an event. */
    record Send(Message message, String participant) implements Action {
    }

    /** Read one branch's state; the answer comes back at once, as an event. */
    record Inquire(String participant) implements Action {
    }

    /** Record the acknowledgements of a round that has not finished, so they are not asked for again. */
    record RecordAcks(List<Ack> acks) implements Action {
        public RecordAcks {
            acks = List.copyOf(acks);
        }
    }

    /** 3PC: every branch acknowledged its pre-commit; log the acks and the state COMMITTING (not forced). */
    record LogPrecommitted(List<Ack> acks) implements Action {
        public LogPrecommitted {
            acks = List.copyOf(acks);
        }
    }

    /** Every branch answered the decision: log the last acks and the end. */
    record Finish(TxState end, List<Ack> acks) implements Action {
        public Finish {
            acks = List.copyOf(acks);
        }
    }

    /** This pass ends with the transaction unfinished: recovery's next pass takes it up again. */
    record Stop() implements Action {
    }
}
