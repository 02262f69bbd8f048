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
        assertThat(d.phaseTwoState()).isEqualTo(TxState.COMMITTING);
        assertThat(d.finalState()).isEqualTo(TxState.COMMITTED);
    }

    @Test
    void abortsWithTheFirstReasonWhenAnyParticipantVotesNo() {
        Decision d = Decision.of(List.of(Vote.yes("inventory"), Vote.no("payment", "insufficient funds"),
                Vote.no("shipping", "closed")));
        assertThat(d.kind()).isEqualTo(Decision.Kind.ABORT);
        assertThat(d.reason()).isEqualTo("payment: insufficient funds");
        assertThat(d.finalState()).isEqualTo(TxState.ABORTED);
    }

    @Test
    void refusesATransactionWithoutBranches() {
        assertThatThrownBy(() -> Decision.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
