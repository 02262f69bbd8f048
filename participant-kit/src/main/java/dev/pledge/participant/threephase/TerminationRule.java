package dev.pledge.participant.threephase;

import java.util.List;
import java.util.Optional;

import dev.pledge.participant.protocol.BranchState;

/**
 * Three-phase commit's termination protocol: what a participant decides when its coordinator is gone,
 * from its own state and the states of the peers it can reach (an unreachable peer is empty).
 *
 * <ul>
 *   <li>someone committed or was pre-committed: the coordinator had decided to commit, so commit;</li>
 *   <li>someone aborted or never prepared: no one can have committed, so abort;</li>
 *   <li>everyone reachable is merely prepared: no one was pre-committed, so abort.</li>
 * </ul>
 * Unreachable peers are left out. That is why 3PC does not block when the coordinator crashes, and also
 * why it can break atomicity under a network partition: each side decides from its own half.
 */
public final class TerminationRule {
    public enum Outcome {
        COMMIT, ABORT
    }

    private TerminationRule() {
    }

    public static Outcome decide(BranchState self, List<Optional<BranchState>> peers) {
        boolean commit = committing(self);
        for (Optional<BranchState> peer : peers) {
            if (peer.isEmpty()) {
                continue;
            }
            commit |= committing(peer.get());
        }
        // an aborted or never-prepared peer beside a committing one cannot happen without a partition; a
        // commit is then already visible somewhere, so joining it is the only way left to agree
        return commit ? Outcome.COMMIT : Outcome.ABORT;
    }

    private static boolean committing(BranchState s) {
        return s == BranchState.PRECOMMITTED || s == BranchState.COMMITTED;
    }
}
