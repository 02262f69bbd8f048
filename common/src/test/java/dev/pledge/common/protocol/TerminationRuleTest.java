package dev.pledge.common.protocol;

import static dev.pledge.common.protocol.BranchState.ABORTED;
import static dev.pledge.common.protocol.BranchState.PRECOMMITTED;
import static dev.pledge.common.protocol.BranchState.PREPARED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pledge.common.protocol.TerminationRule.Outcome;

/** The stories behind the rule's table: what went wrong before, and what a partition still does. */
class TerminationRuleTest {

    @Test
    void aPrecommittedParticipantBackFromACrashAdoptsTheAbortItsPeerReachedAlone() {
        // the coordinator halted between its pre-commits; A (pre-committed) was killed; B, merely prepared and
        // alone, aborted; A restarts: it must not commit from its own pre-committed state
        Outcome b = TerminationRule.decide(PREPARED, false, List.of(Optional.empty()));
        Outcome a = TerminationRule.decide(PRECOMMITTED, true, List.of(Optional.of(ABORTED)));
        assertThat(b).isEqualTo(Outcome.ABORT);
        assertThat(a).isEqualTo(Outcome.ABORT);
    }

    @Test
    void aPrecommittedParticipantNeverCommitsBesideAnAbortedPeer() {
        assertThat(TerminationRule.decide(PRECOMMITTED, false, List.of(Optional.of(ABORTED)))).isEqualTo(Outcome.ABORT);
    }

    @Test
    void aPartitionLetsEachSideDecideDifferently() {
        // the coordinator pre-committed A, then the network split A from B: each decides alone, and neither is
        // a recovering site, so each follows its own state (the price of not blocking)
        Outcome a = TerminationRule.decide(PRECOMMITTED, false, List.of(Optional.empty()));
        Outcome b = TerminationRule.decide(PREPARED, false, List.of(Optional.empty()));
        assertThat(a).isEqualTo(Outcome.COMMIT);
        assertThat(b).isEqualTo(Outcome.ABORT);
    }
}
