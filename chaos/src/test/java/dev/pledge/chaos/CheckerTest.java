package dev.pledge.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.pledge.chaos.check.CheckResult;
import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Snapshot;
import dev.pledge.chaos.check.Snapshot.Effect;
import dev.pledge.chaos.check.Snapshot.Reservation;
import dev.pledge.chaos.history.History;
import dev.pledge.chaos.history.Op;

/** The checker on hand-made readings: it passes a consistent run and names each kind of broken invariant. */
class CheckerTest {
    private static final String TX = "11111111-1111-1111-1111-111111111111";
    private static final String SAGA = "22222222-2222-2222-2222-222222222222";

    private final Snapshot before = snapshot(10, "100.00", Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0);

    @Test
    void aConsistentRunPasses() {
        History h = new History();
        h.complete(h.invoke(0, "2pc", "LOAD-001 x1"), Op.Type.OK, TX, "committed");
        h.complete(h.invoke(1, "sequential", "LOAD-001 x2"), Op.Type.OK, SAGA, "completed");
        CheckResult r = Checker.check(before, consistentAfter(), h);
        assertThat(r.problems()).isEmpty();
        assertThat(r.committed()).isEqualTo(2);
    }

    @Test
    void aSecondEffectOfOneOperationBreaksConservation() {
        Snapshot after = consistentAfter();
        Snapshot doubled = snapshot(6, "96.00", after.inventoryCommitted(), after.paymentCommitted(), after.reservations(),
                after.sagaCharges(), after.coordinator(), after.sagas(), 0);
        CheckResult r = Checker.check(before, doubled, new History());
        assertThat(r.conservation()).hasSize(2).anyMatch(p -> p.contains("stock of LOAD-001"))
                .anyMatch(p -> p.contains("balance of acc-1"));
    }

    @Test
    void aTransactionCommittedOnOneSideOnlyBreaksAtomicity() {
        Snapshot after = consistentAfter();
        Snapshot split = snapshot(8, "99.00", after.inventoryCommitted(), Map.of(), after.reservations(),
                after.sagaCharges(), after.coordinator(), after.sagas(), 0);
        CheckResult r = Checker.check(before, split, new History());
        assertThat(r.atomicity()).anyMatch(p -> p.contains("inventory only"));
        assertThat(r.splits()).as("a split between the two participants").hasSize(1);
    }

    @Test
    void aCommitAgainstTheLoggedDecisionBreaksAtomicity() {
        Snapshot after = consistentAfter();
        Snapshot abortedInLog = snapshot(7, "97.00", after.inventoryCommitted(), after.paymentCommitted(),
                after.reservations(), after.sagaCharges(), Map.of(TX, "ABORTING"), after.sagas(), 0);
        CheckResult both = Checker.check(before, abortedInLog, new History());
        assertThat(both.atomicity()).anyMatch(p -> p.contains("ABORTING in the log"));
        assertThat(both.splits()).as("the participants agree: no partition excuses this").isEmpty();

        Snapshot abortedBranch = new Snapshot(abortedInLog.stock(), abortedInLog.balances(), Map.of(), Map.of(),
                after.reservations(), after.sagaCharges(), Map.of(TX, "COMMITTING"), after.sagas(), Set.of(TX), 0);
        assertThat(Checker.check(before, abortedBranch, new History()).atomicity())
                .anyMatch(p -> p.contains("a participant aborted it"));
    }

    @Test
    void aSagaWhoseEffectsDisagreeWithItsOutcomeBreaksAtomicity() {
        Snapshot after = consistentAfter();
        Snapshot compensatedButCharged = snapshot(7, "97.00", after.inventoryCommitted(), after.paymentCommitted(),
                Map.of(SAGA, new Reservation("RELEASED", "LOAD-001", 2)), after.sagaCharges(), after.coordinator(),
                Map.of(SAGA, "COMPENSATED"), 0);
        assertThat(Checker.check(before, compensatedButCharged, new History()).atomicity())
                .anyMatch(p -> p.contains("COMPENSATED but it still") && p.contains("keeps a charge"));
    }

    @Test
    void anOrderReportedCommittedThatDidNotCommitBreaksTheHistory() {
        History h = new History();
        h.complete(h.invoke(0, "2pc", "LOAD-001 x1"), Op.Type.OK, "33333333-3333-3333-3333-333333333333", "committed");
        h.complete(h.invoke(1, "2pc", "LOAD-001 x1"), Op.Type.FAIL, TX, "aborted");
        CheckResult r = Checker.check(before, consistentAfter(), h);
        assertThat(r.history()).anyMatch(p -> p.contains("reported committed"))
                .anyMatch(p -> p.contains("reported aborted to the client but committed"));
    }

    @Test
    void moreEffectsThanTheClientsWereToldAboutBreakTheHistory() {
        CheckResult r = Checker.check(before, consistentAfter(), new History());
        assertThat(r.history()).anyMatch(p -> p.contains("no client was told about"));
    }

    @Test
    void whatIsLeftPreparedOrUnfinishedIsInDoubt() {
        Snapshot after = consistentAfter();
        Snapshot stuck = snapshot(7, "98.00", after.inventoryCommitted(), after.paymentCommitted(), after.reservations(),
                after.sagaCharges(), Map.of(TX, "COMMITTED", "44444444-4444-4444-4444-444444444444", "PREPARING"),
                after.sagas(), 1);
        assertThat(Checker.check(before, stuck, new History()).inDoubt()).hasSize(2);
    }

    /** One 2PC order of 1 unit for 1.00 and one saga of 2 units for 2.00, both committed. */
    private static Snapshot consistentAfter() {
        return snapshot(7, "97.00", Map.of(TX, new Effect("LOAD-001", BigDecimal.ONE)),
                Map.of(TX, new Effect("acc-1", new BigDecimal("1.00"))),
                Map.of(SAGA, new Reservation("CONFIRMED", "LOAD-001", 2)),
                Map.of(SAGA, new Effect("acc-1", new BigDecimal("2.00"))), Map.of(TX, "COMMITTED"),
                Map.of(SAGA, "COMPLETED"), 0);
    }

    private static Snapshot snapshot(int stock, String balance, Map<String, Effect> inv, Map<String, Effect> pay,
            Map<String, Reservation> reservations, Map<String, Effect> charges, Map<String, String> coordinator,
            Map<String, String> sagas, int prepared) {
        return new Snapshot(new HashMap<>(Map.of("LOAD-001", stock)), new HashMap<>(Map.of("acc-1", new BigDecimal(balance))),
                inv, pay, reservations, charges, coordinator, sagas, new java.util.HashSet<>(), prepared);
    }
}
