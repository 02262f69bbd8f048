package dev.pledge.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A participant branch's whole transition table: every (state, target) pair. */
class BranchStateTableTest {
    /** Rows: from; columns in {@link BranchState} order (WORKING ... ABORTED); x = allowed. */
    private static final List<String> TABLE = List.of(
            "WORKING      . x . . x",
            "PREPARED     . x x x x",
            "PRECOMMITTED . . x x x",
            "COMMITTED    . . . x .",
            "ABORTED      . . . . x");

    @Test
    void everyTransitionIsAllowedOrRefusedAsTheTableSays() {
        assertThat(TABLE).hasSize(BranchState.values().length);
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+");
            BranchState from = BranchState.valueOf(cells[0]);
            for (BranchState to : BranchState.values()) {
                assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(cells[1 + to.ordinal()].equals("x"));
            }
        }
    }
}
