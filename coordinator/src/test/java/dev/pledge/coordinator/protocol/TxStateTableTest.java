package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The coordinator log's whole transition table: every (state, target) pair, allowed or refused. */
class TxStateTableTest {
    /** Rows: from; columns in {@link TxState} order (PREPARING ... ABORTED); x = allowed. */
    private static final List<String> TABLE = List.of(
            "PREPARING     . x x x . . .",
            "PRECOMMITTING . . x x . . .",
            "COMMITTING    . . . . x . x",
            "ABORTING      . . . . . x x",
            "COMMITTED     . . . . . . .",
            "ABORTED       . . . . . . .",
            "MIXED         . . . . . . .");

    @Test
    void everyTransitionIsAllowedOrRefusedAsTheTableSays() {
        assertThat(TABLE).hasSize(TxState.values().length);
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+");
            TxState from = TxState.valueOf(cells[0]);
            for (TxState to : TxState.values()) {
                boolean allowed = cells[1 + to.ordinal()].equals("x");
                assertThat(from.next().contains(to)).as("%s -> %s", from, to).isEqualTo(allowed);
                if (allowed) {
                    assertThat(from.moveTo(to)).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> from.moveTo(to)).as("%s -> %s", from, to)
                            .isInstanceOf(IllegalStateException.class);
                }
            }
        }
    }
}
