package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.pledge.common.protocol.BranchState.ABORTED;
import static dev.pledge.common.protocol.BranchState.COMMITTED;

import java.util.List;

import org.junit.jupiter.api.Test;

class TxStateTest {

    @Test
    void aDecisionNeverChanges() {
        for (TxState decided : new TxState[] {TxState.COMMITTING, TxState.COMMITTED}) {
            assertThatThrownBy(() -> decided.moveTo(TxState.ABORTING)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> decided.moveTo(TxState.ABORTED)).isInstanceOf(IllegalStateException.class);
        }
        for (TxState decided : new TxState[] {TxState.ABORTING, TxState.ABORTED}) {
            assertThatThrownBy(() -> decided.moveTo(TxState.COMMITTED)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void everyStateHasItsOutcome() {
        assertThat(TxState.PREPARING.outcome()).isEqualTo(Outcome.IN_DOUBT);
        assertThat(TxState.COMMITTING.outcome()).isEqualTo(Outcome.IN_DOUBT);
        assertThat(TxState.PRECOMMITTING.outcome()).isEqualTo(Outcome.IN_DOUBT);
        assertThat(TxState.COMMITTED.outcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(TxState.ABORTING.outcome()).isEqualTo(Outcome.ABORTED);
        assertThat(TxState.ABORTED.outcome()).isEqualTo(Outcome.ABORTED);
        assertThat(TxState.MIXED.outcome()).isEqualTo(Outcome.MIXED);
    }

    @Test
    void aLastPhaseEndsAsDecidedUnlessABranchEndedTheOtherWay() {
        assertThat(TxState.COMMITTING.ended(List.of(COMMITTED, COMMITTED))).isEqualTo(TxState.COMMITTED);
        assertThat(TxState.ABORTING.ended(List.of(ABORTED, ABORTED))).isEqualTo(TxState.ABORTED);
        assertThat(TxState.ABORTING.ended(List.of(ABORTED, COMMITTED))).isEqualTo(TxState.MIXED);
        assertThat(TxState.COMMITTING.ended(List.of(ABORTED, COMMITTED))).isEqualTo(TxState.MIXED);
        assertThat(TxState.MIXED.isFinal()).isTrue();
        assertThatThrownBy(() -> TxState.PRECOMMITTING.ended(List.of(COMMITTED)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void threePhaseCommitPreCommitsBeforeCommitting() {
        assertThat(TxState.PREPARING.moveTo(TxState.PRECOMMITTING).moveTo(TxState.COMMITTING).moveTo(TxState.COMMITTED))
                .isEqualTo(TxState.COMMITTED);
        assertThatThrownBy(() -> TxState.PRECOMMITTING.moveTo(TxState.COMMITTED)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TxState.COMMITTING.moveTo(TxState.PRECOMMITTING)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHappyPathIsAllowed() {
        assertThat(TxState.PREPARING.moveTo(TxState.COMMITTING).moveTo(TxState.COMMITTED)).isEqualTo(TxState.COMMITTED);
        assertThat(TxState.COMMITTED.isFinal()).isTrue();
        assertThat(TxState.PREPARING.isFinal()).isFalse();
    }
}
