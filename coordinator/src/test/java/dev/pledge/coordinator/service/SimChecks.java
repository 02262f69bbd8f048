package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import dev.pledge.coordinator.protocol.TxState;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.service.SimWorld.Script;

/** The invariants every simulated run must keep, however many coordinator processes played it. */
final class SimChecks {
    private SimChecks() {
    }

    /**
     * No decision message left before its decision was logged, no write landed on a transaction another
     * replica owns, no participant carried out a call under a stale epoch; the transaction ended, its logged
     * decision never changed, its end was counted once, it committed only if everyone voted YES, and every
     * participant ended the way the log says.
     *
     * @param id the transaction, or null when the log has none
     */
    static void endsAsTheLogSays(SimWorld world, Script script, UUID id) {
        assertThat(world.violations()).as("messages sent ahead of the log, writes to another's transaction").isEmpty();
        assertThat(world.participants().staleCalls()).as("calls carried out under a stale epoch").isEmpty();
        if (id == null) { // crashed before the transaction was logged, or the crash of the database lost its begin
            assertThat(world.participants().gids()).as("branches of a transaction the log lost")
                    .allSatisfy(gid -> assertThat(world.participants().of(gid)).isIn(BranchState.ABORTED, BranchState.WORKING));
            return;
        }
        FakeLog.Entry tx = world.log().entry(id);
        assertThat(tx.state.isFinal()).as("ends after recovery; log history %s", tx.history).isTrue();
        assertDecisionNeverChanged(tx.history);
        assertDecisionNeverChanged(tx.writes); // nor by way of a record a crash of the database lost
        int lost = world.log().endsLost(); // each one ended (and counted) again by recovery
        assertThat(world.endsCounted()).as("its end counted in pledge_transactions_total once, and once more for"
                + " each of the %d end record(s) a crash of the database lost", lost).isEqualTo(1.0 + lost);
        assertThat(world.endsCounted(tx.state)).as("counted as %s", tx.state).isGreaterThanOrEqualTo(1.0)
                .isEqualTo(lost == 0 ? 1.0 : world.endsCounted(tx.state));

        boolean allYes = script.votes().values().stream().allMatch(Boolean::booleanValue);
        if (tx.state == TxState.COMMITTED) {
            assertThat(allYes).as("committed only when everyone voted YES").isTrue();
        }
        for (String participant : script.votes().keySet()) {
            BranchState branch = world.participants().of(id + "." + participant);
            if (tx.state == TxState.COMMITTED) {
                assertThat(branch).as("%s after a commit", participant).isEqualTo(BranchState.COMMITTED);
            } else {
                assertThat(branch).as("%s after an abort", participant).isIn(BranchState.ABORTED, BranchState.WORKING);
            }
        }
    }

    /** After the first COMMITTING or ABORTING, only that decision's own end may follow. */
    private static void assertDecisionNeverChanged(List<TxState> history) {
        TxState decided = null;
        for (TxState s : history) {
            if (decided == null && (s == TxState.COMMITTING || s == TxState.ABORTING)) {
                decided = s;
            } else if (decided == TxState.COMMITTING) {
                assertThat(s).as("after COMMITTING in %s", history).isIn(TxState.COMMITTING, TxState.COMMITTED);
            } else if (decided == TxState.ABORTING) {
                assertThat(s).as("after ABORTING in %s", history).isIn(TxState.ABORTING, TxState.ABORTED);
            }
        }
    }
}
