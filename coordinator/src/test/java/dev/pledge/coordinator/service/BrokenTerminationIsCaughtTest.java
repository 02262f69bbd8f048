package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.UUID;

import net.jqwik.api.Example;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.common.protocol.TerminationRule;
import dev.pledge.common.protocol.TerminationRule.Outcome;

/**
 * The simulation must be able to see a broken termination rule: the same generated runs as
 * {@link ReplicaTakeoverPropertiesTest}, with the participants deciding by a rule that has lost one of its parts,
 * must break an invariant somewhere in a fixed sample (the seed keeps the sample, and this test, the same). The
 * recovering-site rule is not here: it takes two participant crashes and two coordinator crashes in one narrow
 * order, which the model (three-phase.pml, RECOVERING_DECIDES) and CrashRecoveryIT find, and this sample does not.
 */
class BrokenTerminationIsCaughtTest {
    private static final int RUNS = 6000;
    /**
     * The broken rule breaks about one run in 17,000 (measured over 80 seeds of 6,000 runs each, with calls of one
     * phase in flight together): about a third of the seeds' samples hold such a run; this one holds two. A change
     * in the order of the coordinator's operations changes every sample, so this seed is chosen again then.
     */
    private static final long SEED = 10;

    @Example
    void aPrecommittedParticipantThatCommitsWhateverItsPeersSayIsCaught() {
        SimParticipants.Rule ownStateFirst = (self, recovering, peers) -> self == BranchState.PRECOMMITTED ? Outcome.COMMIT
                : TerminationRule.decide(self, recovering, peers);
        assertThat(failing(ownStateFirst)).as("runs that broke an invariant, of %d", RUNS).isPositive();
    }

    @Example
    void theRealRuleBreaksNoneOfTheSameRuns() {
        assertThat(failing(TerminationRule::decide)).isZero();
    }

    private static long failing(SimParticipants.Rule rule) {
        Arbitrary<TwoReplicas.Plan> plans = Combinators.combine(CoordinatorPropertiesTest.anyScript(),
                Arbitraries.of(true, false), Arbitraries.integers().between(1, 30)).as(TwoReplicas.Plan::new);
        RandomGenerator<TwoReplicas.Plan> generator = plans.generator(1000);
        Random random = new Random(SEED);
        long failing = 0;
        for (int i = 0; i < RUNS; i++) {
            TwoReplicas.Plan plan = generator.next(random).value();
            if (breaks(new TwoReplicas(plan, rule), plan)) {
                failing++;
            }
        }
        return failing;
    }

    private static boolean breaks(TwoReplicas run, TwoReplicas.Plan plan) {
        try {
            UUID id = run.play();
            SimChecks.endsAsTheLogSays(run.world(), plan.script(), id);
            return run.failure() != null;
        } catch (AssertionError e) {
            return true;
        }
    }
}
