package dev.pledge.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BranchStateTest {

    @Test
    void finalStatesOnlyRepeat() {
        assertThat(BranchState.COMMITTED.canMoveTo(BranchState.ABORTED)).isFalse();
        assertThat(BranchState.ABORTED.canMoveTo(BranchState.COMMITTED)).isFalse();
        assertThat(BranchState.ABORTED.canMoveTo(BranchState.ABORTED)).isTrue();
    }

    @Test
    void workingCannotCommitWithoutPreparing() {
        assertThat(BranchState.WORKING.canMoveTo(BranchState.COMMITTED)).isFalse();
        assertThat(BranchState.WORKING.canMoveTo(BranchState.PREPARED)).isTrue();
        assertThat(BranchState.PREPARED.canMoveTo(BranchState.COMMITTED)).isTrue();
    }

    @Test
    void everyStateReachesAFinalState() {
        for (BranchState s : BranchState.values()) {
            assertThat(s.next()).as("%s", s).anyMatch(BranchState::isFinal);
        }
    }
}
