package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.participant.protocol.BranchMachine.Request;
import dev.pledge.participant.protocol.BranchMachine.Verdict;

/** A branch's whole table: every state with every request, as the protocols require it. */
class BranchMachineTableTest {
    /** Rows: state; columns: prepare, pre-commit, commit, abort; then why. */
    private static final List<String> TABLE = List.of(
            "WORKING      MOVE   REFUSE REFUSE MOVE   | a prepare runs; nothing to pre-commit or commit; an abort stops any later prepare",
            "PREPARED     ANSWER MOVE   MOVE   MOVE   | a repeated prepare gets the YES again; the decision or pre-commit moves it",
            "PRECOMMITTED ANSWER ANSWER MOVE   MOVE   | past the vote; the pre-commit was taken; commit or (termination) abort",
            "COMMITTED    ANSWER ANSWER ANSWER REFUSE | ended: repeats and late pre-commits get COMMITTED, an abort is refused",
            "ABORTED      ANSWER REFUSE REFUSE ANSWER | ended: a prepare gets the NO again, a commit is refused");

    @Test
    void everyStateTakesEveryRequestAsTheTableSays() {
        assertThat(TABLE).hasSize(BranchState.values().length);
        for (String row : TABLE) {
            String[] cells = row.substring(0, row.indexOf('|')).trim().split("\\s+");
            BranchState state = BranchState.valueOf(cells[0]);
            for (Request r : Request.values()) {
                String cell = cells[1 + r.ordinal()];
                Verdict expected = Verdict.valueOf(cell);
                assertThat(BranchMachine.on(state, r)).as("%s on %s (%s)", r, state, row.substring(row.indexOf('|') + 1).trim())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void everyMoveIsOneTheBranchStatesAllow() {
        for (BranchState s : BranchState.values()) {
            for (Request r : Request.values()) {
                if (BranchMachine.on(s, r) == Verdict.MOVE) {
                    assertThat(s.canMoveTo(r.target())).as("%s on %s", r, s).isTrue();
                }
            }
        }
    }

    @Test
    void aRefusalSaysWhy() {
        assertThat(BranchMachine.refusal("g.inventory", BranchState.ABORTED, Request.COMMIT, "no stock"))
                .isEqualTo("branch g.inventory was aborted (no stock); it cannot commit");
        assertThat(BranchMachine.refusal("g.inventory", BranchState.WORKING, Request.COMMIT, null))
                .isEqualTo("branch g.inventory was never prepared here; it cannot commit");
        assertThat(BranchMachine.refusal("g.inventory", BranchState.COMMITTED, Request.ABORT, null))
                .isEqualTo("branch g.inventory is committed; it cannot abort");
    }
}
