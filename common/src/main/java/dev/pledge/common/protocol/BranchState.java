package dev.pledge.common.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * A participant's branch of a global transaction, named as in Lamport's TLA+ TwoPhase spec.
 * WORKING: nothing decided here yet. PREPARED: voted YES, holding a PostgreSQL prepared transaction.
 * PRECOMMITTED (three-phase commit only): prepared, and told that every participant voted YES.
 */
public enum BranchState {
    WORKING, PREPARED, PRECOMMITTED, COMMITTED, ABORTED;

    /** States reachable in one step; a final state reaches only itself (a repeated message). */
    public Set<BranchState> next() {
        return switch (this) {
            case WORKING -> EnumSet.of(PREPARED, ABORTED);
            case PREPARED -> EnumSet.of(PREPARED, PRECOMMITTED, COMMITTED, ABORTED);
            case PRECOMMITTED -> EnumSet.of(PRECOMMITTED, COMMITTED, ABORTED);
            case COMMITTED -> EnumSet.of(COMMITTED);
            case ABORTED -> EnumSet.of(ABORTED);
        };
    }

    public boolean canMoveTo(BranchState target) {
        return next().contains(target);
    }

    public boolean isFinal() {
        return this == COMMITTED || this == ABORTED;
    }
}
