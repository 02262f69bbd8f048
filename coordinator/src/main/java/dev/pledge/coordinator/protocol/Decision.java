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
     * which counts as NO but leaves the participant's own state unknown: it may have prepared. A NO given over a
     * row lock another branch held ({@code conflict}) says nothing about the order itself: it may succeed later.
     * A branch {@code skipped} was not asked (ordered prepares after a NO: it holds nothing) or its answer was not
     * awaited (another branch voted NO first: its state is unknown, so it is sent the abort).
     */
    public record Vote(String participant, boolean yes, boolean answered, String reason, boolean conflict,
                       boolean skipped) {
        public static Vote yes(String participant) {
            return new Vote(participant, true, true, null, false, false);
        }

        public static Vote no(String participant, String reason) {
            return new Vote(participant, false, true, reason, false, false);
        }

        /** NO because the prepare gave way to, or timed out behind, another branch's row lock. */
        public static Vote conflict(String participant, String reason) {
            return new Vote(participant, false, true, reason, true, false);
        }

        public static Vote none(String participant, String reason) {
            return new Vote(participant, false, false, reason, false, false);
        }

        /** Never asked, because an earlier branch voted NO (ordered prepares): it holds nothing. */
        public static Vote notAsked(String participant, String reason) {
            return new Vote(participant, false, true, reason, false, true);
        }

        /** Asked, but not waited for once another branch voted NO: it may have prepared, so it gets the abort. */
        public static Vote notAwaited(String participant, String reason) {
            return new Vote(participant, false, false, reason, false, true);
        }
    }

    /**
     * Whether an abort decided from these votes came from lock conflicts alone: every NO was a conflict and
     * every other participant answered YES or was not asked or awaited because of it. Such an order may be tried again; any other NO (no stock, no funds, an
     * unreachable participant) is the order's answer.
     */
    public static boolean onlyConflicts(List<Vote> votes) {
        return votes.stream().anyMatch(Vote::conflict)
                && votes.stream().allMatch(v -> v.yes() || v.conflict() || v.skipped());
    }

    public static Decision abort(String reason) {
        return new Decision(Kind.ABORT, reason);
    }

    /** Two-phase commit's rule: commit only when every participant voted YES. */
    public static Decision of(List<Vote> votes) {
        if (votes.isEmpty()) {
            throw new IllegalArgumentException("a transaction has at least one branch");
        }
        // the reason is a NO that was given: one not asked or not awaited only points at it
        Optional<Vote> firstNo = votes.stream().filter(v -> !v.yes()).min(java.util.Comparator.comparing(Vote::skipped));
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
