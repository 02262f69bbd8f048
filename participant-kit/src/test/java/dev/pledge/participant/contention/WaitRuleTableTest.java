package dev.pledge.participant.contention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;
import dev.pledge.participant.contention.WaitRule.Holder;
import dev.pledge.participant.contention.WaitRule.HolderKind;
import dev.pledge.participant.contention.WaitRule.Outcome;

/**
 * The lock policies' whole table, as deadlock avoidance requires it, with the reason for each row. A prepare of
 * an order begun at t=5 meets a row held by: an older branch (t=1), a younger one (t=9), a branch of unknown age
 * (prepared before a restart), or a local session that is not a branch. W wait, G give way.
 */
class WaitRuleTableTest {
    private static final List<String> TABLE = List.of(
            // policy   holder             outcome  why
            "wait       older-prepared     W  waits whoever holds the row: the behaviour that lets a cycle form",
            "wait       younger-preparing  W  waits whoever holds the row",
            "ordered    older-prepared     W  prepares go out in one participant order, so a wait cannot close a cycle",
            "ordered    unknown-prepared   W  the order of prepares, not ages, rules out cycles",
            "wait-die   older-prepared     G  a younger order never waits for an older one: that is how a cycle is broken",
            "wait-die   older-preparing    G  the same for a holder still preparing (its order may wait elsewhere)",
            "wait-die   younger-prepared   W  an older order may wait for a younger one: waits only go from old to young",
            "wait-die   younger-preparing  W  the same for a holder still preparing",
            "wait-die   unknown-prepared   G  without the holder's age the wait might close a cycle: give way",
            "wait-die   session            W  a local transaction waits for no other database, so it ends by itself",
            "no-wait    younger-prepared   G  never waits for another branch",
            "no-wait    older-preparing    G  never waits for another branch",
            "no-wait    session            W  a local transaction ends by itself");

    private static final Priority ME = at(5);

    @Test
    void everyPolicyMeetsEveryHolderAsDeadlockAvoidanceRequires() {
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+", 4);
            Outcome expected = cells[2].equals("W") ? Outcome.WAIT : Outcome.GIVE_WAY;
            WaitRule.Verdict v = WaitRule.decide(LockPolicy.of(cells[0]), ME, List.of(holder(cells[1])), 10, 1000);
            assertThat(v.outcome()).as(row).isEqualTo(expected);
            if (expected == Outcome.GIVE_WAY) {
                assertThat(v.rule()).as(row).startsWith(cells[0] + ":");
            }
        }
    }

    @Test
    void everyPolicyStopsWaitingWhenThePreparesTimeRunsOut() {
        for (LockPolicy policy : LockPolicy.values()) {
            WaitRule.Verdict v = WaitRule.decide(policy, ME, List.of(holder("younger-prepared")), 1000, 1000);
            assertThat(v.outcome()).as(policy.label()).isEqualTo(Outcome.TIME_OUT);
            assertThat(v.rule()).contains("time ran out");
        }
    }

    @Test
    void aPrepareNotWaitingGoesOn() {
        assertThat(WaitRule.decide(LockPolicy.NO_WAIT, ME, List.of(), 10, 1000).outcome()).isEqualTo(Outcome.WAIT);
    }

    @Test
    void wait_dieLooksAtEveryBranchAheadOfIt() {
        List<Holder> queue = List.of(holder("younger-prepared"), holder("older-preparing"));
        assertThat(WaitRule.decide(LockPolicy.WAIT_DIE, ME, queue, 10, 1000).outcome()).isEqualTo(Outcome.GIVE_WAY);
    }

    @Test
    void ordersBegunAtOneInstantAreOrderedByTheirFirstAttempt() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Priority a = new Priority(t, UUID.fromString("00000000-0000-0000-0000-000000000001"));
        Priority b = new Priority(t, UUID.fromString("00000000-0000-0000-0000-000000000002"));
        assertThat(a.olderThan(b)).isTrue();
        assertThat(b.olderThan(a)).isFalse();
        assertThat(a.olderThan(a)).as("an order is not older than itself, so it never waits for its own branch").isFalse();
    }

    /**
     * The lock watch reads what a prepare waits for only where {@link WaitRule#holdersMatter} says it can end the
     * wait: so a policy it calls blind to holders must wait behind every holder until its time runs out, and
     * each other policy must give way to some holder.
     */
    @Test
    void theWatchSkipsReadingHoldersOnlyWhereNoHolderCanEndTheWait() {
        List<String> kinds = List.of("older-prepared", "older-preparing", "younger-prepared", "younger-preparing",
                "unknown-prepared", "session");
        for (LockPolicy policy : LockPolicy.values()) {
            boolean someGiveWay = kinds.stream().anyMatch(k -> WaitRule.decide(policy, ME, List.of(holder(k)), 10, 1000)
                    .outcome() != Outcome.WAIT);
            boolean nullPriorityGivesWay = kinds.stream().anyMatch(k -> WaitRule.decide(policy, null, List.of(holder(k)), 10,
                    1000).outcome() != Outcome.WAIT);
            assertThat(WaitRule.holdersMatter(policy)).as(policy.label()).isEqualTo(someGiveWay || nullPriorityGivesWay);
        }
    }

    private static Holder holder(String kind) {
        return switch (kind) {
            case "older-prepared" -> new Holder("g1", HolderKind.PREPARED, at(1), 50, null);
            case "older-preparing" -> new Holder("g1", HolderKind.PREPARING, at(1), 50, 7);
            case "younger-prepared" -> new Holder("g9", HolderKind.PREPARED, at(9), 50, null);
            case "younger-preparing" -> new Holder("g9", HolderKind.PREPARING, at(9), 50, 7);
            case "unknown-prepared" -> new Holder("g?", HolderKind.PREPARED, null, 50, null);
            case "session" -> new Holder(null, HolderKind.SESSION, null, 50, 8);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Priority at(int second) {
        return new Priority(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(second),
                UUID.nameUUIDFromBytes(new byte[] {(byte) second}));
    }
}
