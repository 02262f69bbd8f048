package dev.pledge.participant.threephase;

import static dev.pledge.participant.protocol.BranchState.ABORTED;
import static dev.pledge.participant.protocol.BranchState.COMMITTED;
import static dev.pledge.participant.protocol.BranchState.PRECOMMITTED;
import static dev.pledge.participant.protocol.BranchState.PREPARED;
import static dev.pledge.participant.protocol.BranchState.WORKING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pledge.participant.threephase.TerminationRule.Outcome;

class TerminationRuleTest {

    @Test
    void allMerelyPreparedAbort() {
        assertThat(TerminationRule.decide(PREPARED, List.of(Optional.of(PREPARED)))).isEqualTo(Outcome.ABORT);
    }

    @Test
    void anyPrecommittedCommits() {
        assertThat(TerminationRule.decide(PREPARED, List.of(Optional.of(PRECOMMITTED)))).isEqualTo(Outcome.COMMIT);
        assertThat(TerminationRule.decide(PRECOMMITTED, List.of(Optional.of(PREPARED)))).isEqualTo(Outcome.COMMIT);
        assertThat(TerminationRule.decide(PREPARED, List.of(Optional.of(COMMITTED)))).isEqualTo(Outcome.COMMIT);
    }

    @Test
    void anyAbortedOrNeverPreparedAborts() {
        assertThat(TerminationRule.decide(PREPARED, List.of(Optional.of(ABORTED)))).isEqualTo(Outcome.ABORT);
        assertThat(TerminationRule.decide(PREPARED, List.of(Optional.of(WORKING)))).isEqualTo(Outcome.ABORT);
    }

    @Test
    void aloneItFollowsItsOwnState() {
        assertThat(TerminationRule.decide(PREPARED, List.of(Optional.empty()))).isEqualTo(Outcome.ABORT);
        assertThat(TerminationRule.decide(PRECOMMITTED, List.of(Optional.empty()))).isEqualTo(Outcome.COMMIT);
    }

    @Test
    void aPartitionLetsEachSideDecideDifferently() {
        // the coordinator pre-committed A, then the network split A from B: each decides alone
        Outcome a = TerminationRule.decide(PRECOMMITTED, List.of(Optional.empty()));
        Outcome b = TerminationRule.decide(PREPARED, List.of(Optional.empty()));
        assertThat(a).isEqualTo(Outcome.COMMIT);
        assertThat(b).isEqualTo(Outcome.ABORT);
    }
}
