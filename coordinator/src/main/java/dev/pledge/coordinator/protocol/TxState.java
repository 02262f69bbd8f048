package dev.pledge.coordinator.protocol;

import java.util.EnumSet;
import java.util.Set;

import dev.pledge.common.protocol.BranchState;

/**
 * A global transaction's state in the coordinator's log. PREPARING: votes being gathered, nothing decided
 * (presumed abort: recovery aborts it). PRECOMMITTING (3PC only): everyone voted YES, pre-commits being
 * sent. COMMITTING/ABORTING: the decision is logged, its last phase under way.
 */
public enum TxState {
    PREPARING, PRECOMMITTING, COMMITTING, ABORTING, COMMITTED, ABORTED, MIXED;

    public Set<TxState> next() {
        return switch (this) {
            case PREPARING -> EnumSet.of(PRECOMMITTING, COMMITTING, ABORTING);
            // 3PC recovery aborts a pre-committing transaction only when a participant already aborted
            // by the termination protocol, which it does only if no one was pre-committed
            case PRECOMMITTING -> EnumSet.of(COMMITTING, ABORTING);
            case COMMITTING -> EnumSet.of(COMMITTED, MIXED);
            case ABORTING -> EnumSet.of(ABORTED, MIXED);
            case COMMITTED, ABORTED, MIXED -> EnumSet.noneOf(TxState.class);
        };
    }

    /** Rejects a transition the protocol does not allow, instead of trusting the caller. */
    public TxState moveTo(TxState target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("illegal transition " + this + " -> " + target);
        }
        return target;
    }

    public boolean isFinal() {
        return this == COMMITTED || this == ABORTED || this == MIXED;
    }

    /**
     * Where a transaction whose last phase every participant has answered ends: as decided, or MIXED when a
     * branch reports the opposite final state.
     *
     * @param branchStates each branch's last reported state (COMMITTED, ABORTED, ...; null where not known)
     */
    public TxState ended(java.util.Collection<BranchState> branchStates) {
        if (this != COMMITTING && this != ABORTING) {
            throw new IllegalStateException(this + " has no last phase to end");
        }
        BranchState opposite = this == COMMITTING ? BranchState.ABORTED : BranchState.COMMITTED;
        return moveTo(branchStates.contains(opposite) ? MIXED : this == COMMITTING ? COMMITTED : ABORTED);
    }

    /**
     * What a client is told. An abort is final as soon as it is decided: no effect of the transaction can
     * ever become visible, even while participants are still being told. A commit is IN_DOUBT until every
     * participant has acknowledged it, as is a transaction still gathering votes.
     */
    public Outcome outcome() {
        return switch (this) {
            case COMMITTED -> Outcome.COMMITTED;
            case MIXED -> Outcome.MIXED;
            case ABORTING, ABORTED -> Outcome.ABORTED;
            case PREPARING, PRECOMMITTING, COMMITTING -> Outcome.IN_DOUBT;
        };
    }
}
