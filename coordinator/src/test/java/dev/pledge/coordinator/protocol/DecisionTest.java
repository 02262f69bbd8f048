package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.coordinator.protocol.Decision.Vote;

class DecisionTest {

    @Test
    void commitsWhenEveryParticipantVotesYes() {
        Decision d = Decision.of(List.of(Vote.yes("inventory"), Vote.yes("payment")));
        assertThat(d.kind()).isEqualTo(Decision.Kind.COMMIT);
        assertThat(d.loggedState(Protocol.TWO_PC)).isEqualTo(TxState.COMMITTING);
        assertThat(d.loggedState(Protocol.THREE_PC)).as("3PC pre-commits first").isEqualTo(TxState.PRECOMMITTING);
    }

    @Test
    void abortsWithTheFirstReasonWhenAnyParticipantVotesNo() {
        Decision d = Decision.of(List.of(Vote.yes("inventory"), Vote.no("payment", "insufficient funds"),
                Vote.no("shipping", "closed")));
        assertThat(d.kind()).isEqualTo(Decision.Kind.ABORT);
        assertThat(d.reason()).isEqualTo("payment: insufficient funds");
        assertThat(d.loggedState(Protocol.TWO_PC)).isEqualTo(TxState.ABORTING);
        assertThat(d.loggedState(Protocol.THREE_PC)).isEqualTo(TxState.ABORTING);
    }

    @Test
    void theReasonIsANoThatWasGivenNotABranchLeftUnasked() {
        Decision d = Decision.of(List.of(Vote.notAwaited("inventory", "not awaited: payment voted NO"),
                Vote.no("payment", "insufficient funds")));
        assertThat(d.reason()).isEqualTo("payment: insufficient funds");
    }

    @Test
    void anOrderIsTriedAgainOnlyWhenLockConflictsAloneAbortedIt() {
        Vote conflict = Vote.conflict("inventory", "lock conflict on products(HOT-001)");
        assertThat(Decision.onlyConflicts(List.of(conflict, Vote.yes("payment")))).isTrue();
        assertThat(Decision.onlyConflicts(List.of(conflict, Vote.notAwaited("payment", "not awaited")))).isTrue();
        assertThat(Decision.onlyConflicts(List.of(Vote.notAsked("inventory", "not asked"), conflict))).isTrue();
        assertThat(Decision.onlyConflicts(List.of(conflict, Vote.no("payment", "insufficient funds"))))
                .as("a business NO is the order's answer").isFalse();
        assertThat(Decision.onlyConflicts(List.of(conflict, Vote.none("payment", "unreachable"))))
                .as("an unreachable participant is not a conflict").isFalse();
        assertThat(Decision.onlyConflicts(List.of(Vote.yes("inventory"), Vote.yes("payment")))).isFalse();
    }

    @Test
    void refusesATransactionWithoutBranches() {
        assertThatThrownBy(() -> Decision.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
