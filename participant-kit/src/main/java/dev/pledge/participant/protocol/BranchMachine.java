package dev.pledge.participant.protocol;

import dev.pledge.common.protocol.BranchState;

/**
 * What a branch does with each request of the protocols, from the state its database holds: move, answer with
 * the state it is in (a repeated or late request), or refuse. Every path that changes a branch asks here first:
 * 2PC's prepare, commit and abort, 3PC's pre-commit, the termination protocol and the orphan inquiry (both end a
 * branch through commit and abort). A move is allowed only where {@link BranchState#canMoveTo} says so.
 *
 * <pre>
 * state         prepare         pre-commit        commit           abort
 * WORKING       move            refuse            refuse (never    move (no later
 *                                                 prepared)        prepare succeeds)
 * PREPARED      answer YES      move              move             move
 * PRECOMMITTED  answer YES      answer            move             move
 * COMMITTED     answer YES      answer (late)     answer           refuse
 * ABORTED       answer NO       refuse            refuse           answer
 * </pre>
 */
public final class BranchMachine {

    /** A request that may change a branch. */
    public enum Request {
        PREPARE("prepare", BranchState.PREPARED),
        PRE_COMMIT("pre-commit", BranchState.PRECOMMITTED),
        COMMIT("commit", BranchState.COMMITTED),
        ABORT("abort", BranchState.ABORTED);

        private final String label;
        private final BranchState target;

        Request(String label, BranchState target) {
            this.label = label;
            this.target = target;
        }

        public String label() {
            return label;
        }

        /** Where the request moves a branch (a prepare may end ABORTED instead, on a NO). */
        public BranchState target() {
            return target;
        }
    }

    /** MOVE: do it; ANSWER: already done, or past it: answer the state as it is; REFUSE: 409. */
    public enum Verdict {
        MOVE, ANSWER, REFUSE
    }

    private BranchMachine() {
    }

    public static Verdict on(BranchState now, Request request) {
        if (now == request.target() || answered(now, request)) {
            return Verdict.ANSWER;
        }
        if (now.canMoveTo(request.target())) {
            return Verdict.MOVE;
        }
        return Verdict.REFUSE;
    }

    /** Requests a branch answers from a state past their target: its vote, or a late pre-commit. */
    private static boolean answered(BranchState now, Request request) {
        return request == Request.PREPARE && now != BranchState.WORKING
                || request == Request.PRE_COMMIT && now == BranchState.COMMITTED;
    }

    /** Why a request is refused, in the words a 409 gives. */
    public static String refusal(String gid, BranchState now, Request request, String reason) {
        return switch (now) {
            case WORKING -> "branch " + gid + " was never prepared here; it cannot " + request.label();
            case ABORTED -> "branch " + gid + " was aborted" + (reason == null ? "" : " (" + reason + ")") + "; it cannot "
                    + request.label();
            default -> "branch " + gid + " is " + now.name().toLowerCase(java.util.Locale.ROOT) + "; it cannot "
                    + request.label();
        };
    }
}
