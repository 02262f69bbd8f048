package dev.pledge.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pledge.common.protocol.TerminationRule.Outcome;

/**
 * The termination and recovery rules' whole table, as three-phase commit requires them (Skeen, "Nonblocking
 * commit protocols", 1981), with the reason for each row. A branch that terminates is PREPARED or
 * PRECOMMITTED; "recovering" means its participant restarted since the branch last moved; "-" is a peer that
 * did not answer. C commit, A abort, W wait, S split.
 */
class TerminationRuleTableTest {
    private static final List<String> TABLE = List.of(
            // self          recovering  peer          outcome  why
            "PREPARED       no   -             A  alone and merely prepared: no one up was pre-committed, so no one committed",
            "PREPARED       no   WORKING       A  a peer never prepared: the votes cannot all have been YES",
            "PREPARED       no   PREPARED      A  everyone merely prepared: no pre-commit was ever acknowledged",
            "PREPARED       no   PRECOMMITTED  C  a pre-commit means everyone voted YES; the coordinator may have committed",
            "PREPARED       no   COMMITTED     C  an outcome reached is adopted",
            "PREPARED       no   ABORTED       A  an outcome reached is adopted",
            "PRECOMMITTED   no   -             C  everyone up is pre-committed: commit, as a backup coordinator would",
            "PRECOMMITTED   no   WORKING       A  a peer that never prepared aborted: adopt it (no one can have committed)",
            "PRECOMMITTED   no   PREPARED      C  a pre-commit means everyone voted YES (the peer is pre-committed first)",
            "PRECOMMITTED   no   PRECOMMITTED  C  everyone pre-committed",
            "PRECOMMITTED   no   COMMITTED     C  an outcome reached is adopted",
            "PRECOMMITTED   no   ABORTED       A  the peer aborted while this one was away or slow: adopt it, never commit beside it",
            "PREPARED       yes  -             W  a recovering site never decides from its own state alone",
            "PREPARED       yes  WORKING       A  a recovering site adopts the outcome reached: the peer never prepared",
            "PREPARED       yes  PREPARED      W  the peer may still decide either way (it may learn of a pre-commit)",
            "PREPARED       yes  PRECOMMITTED  W  the peer decides; committing here first could meet an abort it adopted",
            "PREPARED       yes  COMMITTED     C  a recovering site adopts the outcome reached",
            "PREPARED       yes  ABORTED       A  a recovering site adopts the outcome reached",
            "PRECOMMITTED   yes  -             W  the peer may have aborted alone while this one was down",
            "PRECOMMITTED   yes  WORKING       A  a recovering site adopts the outcome reached: the peer never prepared",
            "PRECOMMITTED   yes  PREPARED      W  the peer, not recovering, decides (and commits: it sees this pre-commit)",
            "PRECOMMITTED   yes  PRECOMMITTED  W  the peer, not recovering, commits; this one then adopts it",
            "PRECOMMITTED   yes  COMMITTED     C  a recovering site adopts the outcome reached",
            "PRECOMMITTED   yes  ABORTED       A  a recovering site adopts the outcome reached (the old rule committed here)");

    @Test
    void everyStateWithEveryPeerDecidesAsThreePhaseCommitRequires() {
        assertThat(TABLE).hasSize(2 * 2 * 6);
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+", 5);
            BranchState self = BranchState.valueOf(cells[0]);
            boolean recovering = cells[1].equals("yes");
            Outcome expected = switch (cells[3]) {
                case "C" -> Outcome.COMMIT;
                case "A" -> Outcome.ABORT;
                case "W" -> Outcome.WAIT;
                default -> throw new IllegalArgumentException(row);
            };
            assertThat(TerminationRule.decide(self, recovering, List.of(peer(cells[2])))).as(row).isEqualTo(expected);
        }
    }

    @Test
    void aCommittedPeerBesideAnAbortedOneIsASplitWhateverTheRest() {
        for (BranchState self : List.of(BranchState.PREPARED, BranchState.PRECOMMITTED)) {
            for (boolean recovering : List.of(false, true)) {
                assertThat(TerminationRule.decide(self, recovering, List.of(peer("COMMITTED"), peer("ABORTED"))))
                        .isEqualTo(Outcome.SPLIT);
                assertThat(TerminationRule.decide(self, recovering, List.of(peer("WORKING"), peer("COMMITTED"))))
                        .isEqualTo(Outcome.SPLIT);
            }
        }
    }

    /** With two peers, the final states decide first, then recovery waits, then a pre-commit anywhere commits. */
    @Test
    void twoPeersDecideByTheSameOrderOfRulesInEitherOrder() {
        List<Optional<BranchState>> all = new ArrayList<>();
        for (String p : List.of("-", "WORKING", "PREPARED", "PRECOMMITTED", "COMMITTED", "ABORTED")) {
            all.add(peer(p));
        }
        for (BranchState self : List.of(BranchState.PREPARED, BranchState.PRECOMMITTED)) {
            for (boolean recovering : List.of(false, true)) {
                for (Optional<BranchState> a : all) {
                    for (Optional<BranchState> b : all) {
                        Outcome expected = expected(self, recovering, a, b);
                        assertThat(TerminationRule.decide(self, recovering, List.of(a, b)))
                                .as(self + (recovering ? " recovering" : "") + " with " + a + ", " + b).isEqualTo(expected);
                        assertThat(TerminationRule.decide(self, recovering, List.of(b, a))).isEqualTo(expected);
                    }
                }
            }
        }
    }

    private static Outcome expected(BranchState self, boolean recovering, Optional<BranchState> a, Optional<BranchState> b) {
        boolean committed = is(a, "COMMITTED") || is(b, "COMMITTED");
        boolean aborted = is(a, "ABORTED") || is(b, "ABORTED") || is(a, "WORKING") || is(b, "WORKING");
        if (committed || aborted) {
            return committed && aborted ? Outcome.SPLIT : committed ? Outcome.COMMIT : Outcome.ABORT;
        }
        if (recovering) {
            return Outcome.WAIT;
        }
        boolean precommit = self == BranchState.PRECOMMITTED || is(a, "PRECOMMITTED") || is(b, "PRECOMMITTED");
        return precommit ? Outcome.COMMIT : Outcome.ABORT;
    }

    private static boolean is(Optional<BranchState> peer, String state) {
        return peer.isPresent() && peer.get().name().equals(state);
    }

    private static Optional<BranchState> peer(String cell) {
        return cell.equals("-") ? Optional.empty() : Optional.of(BranchState.valueOf(cell));
    }
}
