package dev.pledge.coordinator.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * A global transaction's state in the coordinator's log. PREPARING: votes being gathered, nothing decided
 * (presumed abort: recovery aborts it). COMMITTING/ABORTING: the decision is logged, phase 2 under way.
 */
public enum TxState {
    PREPARING, COMMITTING, ABORTING, COMMITTED, ABORTED;

    public Set<TxState> next() {
        return switch (this) {
            case PREPARING -> EnumSet.of(COMMITTING, ABORTING);
            case COMMITTING -> EnumSet.of(COMMITTED);
            case ABORTING -> EnumSet.of(ABORTED);
            case COMMITTED, ABORTED -> EnumSet.noneOf(TxState.class);
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
        return this == COMMITTED || this == ABORTED;
    }

    /**
     * What a client is told. An abort is final as soon as it is decided: no effect of the transaction can
     * ever become visible, even while participants are still being told. A commit is IN_DOUBT until every
     * participant has acknowledged it, as is a transaction still gathering votes.
     */
    public Outcome outcome() {
        return switch (this) {
            case COMMITTED -> Outcome.COMMITTED;
            case ABORTING, ABORTED -> Outcome.ABORTED;
            case PREPARING, COMMITTING -> Outcome.IN_DOUBT;
        };
    }
}
