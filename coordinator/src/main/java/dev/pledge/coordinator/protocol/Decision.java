package dev.pledge.coordinator.protocol;

import java.util.List;
import java.util.Optional;

/** The coordinator's decision and, for an abort, the first reason a participant gave. */
public record Decision(Kind kind, String reason) {

    public enum Kind {
        COMMIT, ABORT
    }

    /**
     * A participant's answer to prepare: YES, NO with a reason, or none at all (unreachable, timed out),
     * which counts as NO but leaves the participant's own state unknown: it may have prepared.
     */
    public record Vote(String participant, boolean yes, boolean answered, String reason) {
        public static Vote yes(String participant) {
            return new Vote(participant, true, true, null);
        }

        public static Vote no(String participant, String reason) {
            return new Vote(participant, false, true, reason);
        }

        public static Vote none(String participant, String reason) {
            return new Vote(participant, false, false, reason);
        }
    }

    public static Decision abort(String reason) {
        return new Decision(Kind.ABORT, reason);
    }

    /** Two-phase commit's rule: commit only when every participant voted YES. */
    public static Decision of(List<Vote> votes) {
        if (votes.isEmpty()) {
            throw new IllegalArgumentException("a transaction has at least one branch");
        }
        Optional<Vote> firstNo = votes.stream().filter(v -> !v.yes()).findFirst();
        return firstNo.map(v -> new Decision(Kind.ABORT, v.participant() + ": " + v.reason()))
                .orElse(new Decision(Kind.COMMIT, null));
    }

    /** The state logged with the decision: 3PC pre-commits before it commits. */
    public TxState loggedState(Protocol protocol) {
        if (kind == Kind.ABORT) {
            return TxState.ABORTING;
        }
        return protocol == Protocol.THREE_PC ? TxState.PRECOMMITTING : TxState.COMMITTING;
    }
}
