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
    void refusesATransactionWithoutBranches() {
        assertThatThrownBy(() -> Decision.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
