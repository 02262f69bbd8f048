package dev.pledge.common.protocol;

import java.util.List;
import java.util.Optional;

/**
 * Three-phase commit's termination and recovery rules (Skeen, 1981): what a participant whose coordinator is
 * gone decides from its own state and the states of the peers that answered (an unreachable peer is empty).
 *
 * <ol>
 *   <li>a peer that ended decides: COMMITTED commits, ABORTED (or never prepared) aborts; both at once is a
 *       split that no rule can mend, reported and left to an operator;</li>
 *   <li>a recovering site (one that crashed and restarted since its branch last moved) never decides from
 *       its own state: while no peer has ended, it waits;</li>
 *   <li>otherwise a pre-commit anywhere, its own or a peer's, means everyone voted YES: commit, once every
 *       peer that answered merely prepared has been pre-committed too ({@link Termination} does that);</li>
 *   <li>otherwise everyone that answered is merely prepared: no one can have been pre-committed, so abort.</li>
 * </ol>
 * Unreachable peers are left out: the rules take an unreachable peer for a crashed one. That is why 3PC
 * does not block when the coordinator crashes, and also why it can break atomicity under a network
 * partition, where each side decides from its own half.
 */
public final class TerminationRule {
    public enum Outcome {
        COMMIT, ABORT, WAIT, SPLIT
    }

    private TerminationRule() {
    }

    /**
     * @param self       this branch's state, PREPARED or PRECOMMITTED
     * @param recovering whether this participant restarted since its branch reached {@code self}
     * @param peers      the other branches' states, empty where the peer did not answer
     */
    public static Outcome decide(BranchState self, boolean recovering, List<Optional<BranchState>> peers) {
        boolean committed = any(peers, BranchState.COMMITTED);
        boolean aborted = any(peers, BranchState.ABORTED) || any(peers, BranchState.WORKING);
        if (committed && aborted) {
            return Outcome.SPLIT;
        }
        if (committed) {
            return Outcome.COMMIT;
        }
        if (aborted) {
            return Outcome.ABORT;
        }
        if (recovering) {
            return Outcome.WAIT;
        }
        if (self == BranchState.PRECOMMITTED || any(peers, BranchState.PRECOMMITTED)) {
            return Outcome.COMMIT;
        }
        return Outcome.ABORT;
    }

    private static boolean any(List<Optional<BranchState>> peers, BranchState state) {
        return peers.stream().anyMatch(p -> p.isPresent() && p.get() == state);
    }
}
