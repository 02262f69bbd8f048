package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import dev.pledge.coordinator.service.TwoReplicas.Plan;

/**
 * Thousands of generated runs of two coordinator replicas sharing one log, with the real coordinator code:
 * the replica that began the transaction crashes or freezes at a named crash point or between any two log or
 * network operations; the other takes it over under the next epoch and recovers it; a frozen one later runs
 * its remaining steps, which the log (compare-and-set on the epoch) and the participants (fenced by epoch)
 * must refuse. On top of every invariant of {@link CoordinatorPropertiesTest}: no write lands on a transaction
 * another replica owns, no participant carries out a call older than one it has seen, and the late replica's
 * run ends only by a crash, by the log's refusal or by returning, never by another error.
 */
class ReplicaTakeoverPropertiesTest {

    @Property(tries = 3000)
    void aReplicaThatLostItsTransactionCannotActOnIt(@ForAll("plans") Plan plan) {
        TwoReplicas run = new TwoReplicas(plan);
        UUID id = run.play();

        Statistics.label("first replica's first stop").collect(run.stop());
        Statistics.label("first replica's run").collect(run.end());
        Statistics.label("calls refused as stale").collect(run.world().participants().refusals() > 0);
        assertThat(run.failure()).as("the first replica's run failed other than by a crash or a refusal").isNull();
        SimChecks.endsAsTheLogSays(run.world(), plan.script(), id);
    }

    @Provide
    Arbitrary<Plan> plans() {
        return Combinators.combine(CoordinatorPropertiesTest.anyScript(),
                Arbitraries.frequency(Tuple.of(2, true), Tuple.of(1, false)),
                Arbitraries.integers().between(1, 30))
                .as(Plan::new);
    }
}
