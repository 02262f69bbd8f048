package dev.pledge.participant.threephase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pledge.participant.protocol.BranchState;
import dev.pledge.participant.threephase.TerminationRule.Outcome;

/**
 * The termination rule's whole table: a participant in each state, with one peer in each state or
 * unreachable ("-"). C is commit, A abort. Then every pair of peers: two peers decide as the stronger of
 * the two single-peer decisions, in either order.
 */
class TerminationRuleTableTest {
    private static final List<String> PEERS = List.of("-", "WORKING", "PREPARED", "PRECOMMITTED", "COMMITTED", "ABORTED");
    private static final List<String> TABLE = List.of(
            "WORKING       A A A C C A",
            "PREPARED      A A A C C A",
            "PRECOMMITTED  C C C C C C",
            "COMMITTED     C C C C C C",
            "ABORTED       A A A C C A");

    @Test
    void everyStateWithEveryPeerDecidesAsTheTableSays() {
        assertThat(TABLE).hasSize(BranchState.values().length);
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+");
            BranchState self = BranchState.valueOf(cells[0]);
            for (int p = 0; p < PEERS.size(); p++) {
                Outcome expected = cells[1 + p].equals("C") ? Outcome.COMMIT : Outcome.ABORT;
                assertThat(TerminationRule.decide(self, List.of(peer(PEERS.get(p)))))
                        .as(self + " with peer " + PEERS.get(p)).isEqualTo(expected);
            }
        }
    }

    @Test
    void twoPeersDecideAsTheStrongerSinglePeerDecisionInEitherOrder() {
        List<Optional<BranchState>> all = new ArrayList<>();
        PEERS.forEach(p -> all.add(peer(p)));
        for (BranchState self : BranchState.values()) {
            for (Optional<BranchState> a : all) {
                for (Optional<BranchState> b : all) {
                    boolean single = TerminationRule.decide(self, List.of(a)) == Outcome.COMMIT
                            || TerminationRule.decide(self, List.of(b)) == Outcome.COMMIT;
                    Outcome expected = single ? Outcome.COMMIT : Outcome.ABORT;
                    assertThat(TerminationRule.decide(self, List.of(a, b))).as(self + " with " + a + ", " + b).isEqualTo(expected);
                    assertThat(TerminationRule.decide(self, List.of(b, a))).as(self + " with " + b + ", " + a).isEqualTo(expected);
                }
            }
        }
    }

    private static Optional<BranchState> peer(String cell) {
        return cell.equals("-") ? Optional.empty() : Optional.of(BranchState.valueOf(cell));
    }
}
