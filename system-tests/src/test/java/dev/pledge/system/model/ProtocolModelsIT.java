package dev.pledge.system.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pledge.system.SkippedCheck;
import dev.pledge.system.model.Spin.Verdict;

/**
 * Model-checks the Promela models in docs/model with Spin and asserts what each protocol promises and
 * what it does not: 2PC stays atomic but blocks on a lost coordinator; 3PC does not block, stays atomic
 * through coordinator and participant crashes and restarts (and the rules it ran before did not), but a
 * partition breaks its atomicity; the order saga always ends completed or compensated with nothing lost; two
 * orders on the same hot rows wait for each other in a cycle only under the {@code wait} lock policy.
 */
class ProtocolModelsIT {
    private static final Path MODELS = Path.of(System.getProperty("pledge.home"), "docs", "model");
    /** Coordinator crashes with recovery during termination, and participants that crash and restart. */
    private static final List<String> THREE_PC_CRASHES = List.of("CRASH", "RECOVERY", "PCRASH");
    /** .ci/run sets PLEDGE_REQUIRE_MODEL_CHECKS: there a missing model checker fails the build. */
    private static final SkippedCheck UNCHECKED = new SkippedCheck("model-checks-skipped.txt",
            "PLEDGE_REQUIRE_MODEL_CHECKS", "THE PROTOCOL MODELS WERE NOT CHECKED", "what docs/model claims", "spin gcc");
    private static Spin spin;

    @BeforeAll
    static void needsSpin() throws Exception {
        if (!Spin.available()) {
            UNCHECKED.skipOrFail("spin or a C compiler (cc) is not on the PATH");
        }
        spin = new Spin(MODELS, Path.of("target", "spin").toAbsolutePath());
    }

    @Test
    void twoPhaseCommitStaysAtomicUnderCrashesRestartsAndLostMessages() throws Exception {
        Verdict v = spin.verify("2pc-crash-recovery-loss", "two-phase.pml", List.of("CRASH", "RECOVERY", "PARTITION"),
                true, false);
        assertThat(v.errors()).as(v.output()).isZero();
        assertThat(v.states()).as("the search explored the crash and loss interleavings").isGreaterThan(10_000);
    }

    @Test
    void twoPhaseCommitBlocksWhileTheCoordinatorStaysDown() throws Exception {
        Verdict atomic = spin.verify("2pc-crash-atomic", "two-phase.pml", List.of("CRASH"), false, false);
        assertThat(atomic.errors()).as("atomicity without recovery: " + atomic.output()).isZero();

        Verdict v = spin.verify("2pc-crash-blocks", "two-phase.pml", List.of("CRASH"), true, false);
        assertThat(v.invalidEndState()).as(v.output()).isTrue();
        assertThat(v.assertionViolated()).isFalse();
        String story = spin.replay("2pc-crash-blocks", "two-phase.pml", List.of("CRASH"), v.trail().orElseThrow());
        // the coordinator is down and one participant is stuck prepared (state 1), holding its locks
        assertThat(story).contains("coordUp = 0").containsPattern("part\\[[01]\\] = 1\\b");
    }

    @Test
    void twoPhaseCommitEndsOnceTheCoordinatorRecovers() throws Exception {
        Verdict v = spin.verify("2pc-crash-recovery", "two-phase.pml", List.of("CRASH", "RECOVERY"), true, false);
        assertThat(v.errors()).as(v.output()).isZero();
    }

    @Test
    void threePhaseCommitDoesNotBlockWhenTheCoordinatorCrashes() throws Exception {
        Verdict v = spin.verify("3pc-crash", "three-phase.pml", List.of("CRASH"), true, false);
        assertThat(v.errors()).as("no atomicity violation and no participant stuck: " + v.output()).isZero();
    }

    @Test
    void threePhaseCommitStaysAtomicWhenParticipantsCrashAndTheCoordinatorRecoversDuringTermination() throws Exception {
        Verdict v = spin.verify("3pc-crash-recovery-pcrash", "three-phase.pml", THREE_PC_CRASHES, false, false);
        assertThat(v.errors()).as(v.output()).isZero();
        assertThat(v.states()).as("the search explored the crash, restart and termination interleavings")
                .isGreaterThan(1_000_000);
    }

    @Test
    void theRulesPledgeRanBeforeSplitAnOrderWithoutAnyPartition() throws Exception {
        List<String> old = new ArrayList<>(THREE_PC_CRASHES);
        old.add("OLDRULES");
        Verdict v = spin.verify("3pc-old-rules", "three-phase.pml", old, false, false);
        assertThat(v.assertionViolated()).as(v.output()).isTrue();

        // the counterexample kept in docs/model: a coordinator crash and a participant crash, no cut
        String story = spin.replay("3pc-old-rules-trail", "three-phase.pml", List.of("CRASH", "PCRASH", "OLDRULES"),
                MODELS.resolve("three-phase-old-rules.trail"));
        assertThat(story).contains("assertion violated").doesNotContain("cut = 1").contains("pcrashes[0] = 1")
                .containsPattern("part\\[0\\] = 3\\b").containsPattern("part\\[1\\] = 4\\b");
    }

    /** Each fix, taken away alone, lets the model find a split again: none of them is decoration. */
    @ParameterizedTest
    @ValueSource(strings = {"BLIND_RECOVERY", "OWN_STATE_FIRST", "RECOVERING_DECIDES", "COMMIT_WITHOUT_PEER_PRECOMMIT",
            "ACT_ON_STALE_READ"})
    void everyPartOfTheFixIsNeeded(String withoutIt) throws Exception {
        List<String> broken = new ArrayList<>(THREE_PC_CRASHES);
        broken.add(withoutIt);
        Verdict v = spin.verify("3pc-" + withoutIt.toLowerCase(java.util.Locale.ROOT), "three-phase.pml", broken, false,
                false);
        assertThat(v.assertionViolated()).as(withoutIt + ": " + v.output()).isTrue();
    }

    @Test
    void aLostAnswerFromALivePeerSplitsLikeThePartitionItIs() throws Exception {
        Verdict v = spin.verify("3pc-peer-loss", "three-phase.pml", List.of("CRASH", "PEERLOSS"), false, false);
        assertThat(v.assertionViolated()).as(v.output()).isTrue();
    }

    @Test
    void threePhaseCommitStaysAtomicUnderAPartitionAlone() throws Exception {
        Verdict v = spin.verify("3pc-partition", "three-phase.pml", List.of("PARTITION"), false, false);
        assertThat(v.errors()).as(v.output()).isZero();
    }

    @Test
    void threePhaseCommitBreaksAtomicityWhenACrashMeetsAPartition() throws Exception {
        List<String> faults = List.of("CRASH", "PARTITION");
        Verdict v = spin.verify("3pc-crash-partition", "three-phase.pml", faults, false, true);
        assertThat(v.assertionViolated()).as(v.output()).isTrue();

        // the counterexample kept in docs/model still replays to the same violation on the current model
        String story = spin.replay("3pc-kept-trail", "three-phase.pml", faults,
                MODELS.resolve("three-phase-partition.trail"));
        assertThat(story).contains("assertion violated").contains("cut = 1").contains("crashes = 1")
                .containsPattern("part\\[0\\] = 3\\b").containsPattern("part\\[1\\] = 4\\b");
    }

    @Test
    void theOrderSagaEndsCompletedOrCompensatedWithNothingLost() throws Exception {
        for (int attempts : new int[] {1, 2}) {
            Verdict v = spin.verify("saga-attempts-" + attempts, "order-saga.pml", List.of("MAXATT=" + attempts), true,
                    false);
            assertThat(v.errors()).as("with %d attempts per step: %s", attempts, v.output()).isZero();
        }
    }

    @Test
    void twoOrdersOnTheSameRowsDeadlockUnderTheWaitPolicy() throws Exception {
        Verdict v = spin.verify("deadlock-wait", "deadlock.pml", List.of("WAIT"), true, false);
        assertThat(v.assertionViolated()).as("a cycle of waits: " + v.output()).isTrue();
    }

    @Test
    void waitDieAndOrderedPreparesNeverWaitInACycleAndEveryOrderEnds() throws Exception {
        for (List<String> policy : List.of(List.<String>of(), List.of("RESTART"), List.of("ORDERED"),
                List.of("NOWAIT", "RESTART"))) {
            Verdict v = spin.verify("deadlock-" + String.join("-", policy).toLowerCase(java.util.Locale.ROOT),
                    "deadlock.pml", policy, true, false);
            assertThat(v.errors()).as("no cycle and no order stuck under %s: %s", policy, v.output()).isZero();
        }
    }

    @Test
    void theOlderOrderAlwaysCommitsUnderWaitDieButNotUnderNoWait() throws Exception {
        for (List<String> policy : List.of(List.of("OLDEST_COMMITS"), List.of("ORDERED", "OLDEST_COMMITS"))) {
            Verdict v = spin.verify("deadlock-oldest-" + policy.size(), "deadlock.pml", policy, true, false);
            assertThat(v.errors()).as(policy + ": " + v.output()).isZero();
        }
        Verdict noWait = spin.verify("deadlock-nowait-livelock", "deadlock.pml", List.of("NOWAIT", "OLDEST_COMMITS"),
                true, false);
        assertThat(noWait.assertionViolated()).as("both orders give way, attempt after attempt: " + noWait.output())
                .isTrue();
    }

    /** Each part of the policies, taken away alone, lets the model find a cycle of waits again. */
    @ParameterizedTest
    @ValueSource(strings = {"UNORDERED", "WAIT_FOR_UNKNOWN"})
    void everyPartOfTheDeadlockAvoidanceIsNeeded(String broken) throws Exception {
        List<String> defines = broken.equals("WAIT_FOR_UNKNOWN") ? List.of(broken, "RESTART") : List.of(broken);
        Verdict v = spin.verify("deadlock-" + broken.toLowerCase(java.util.Locale.ROOT), "deadlock.pml", defines, true,
                false);
        assertThat(v.assertionViolated()).as(broken + ": " + v.output()).isTrue();
    }
}
