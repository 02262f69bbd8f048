package dev.pledge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void aFailedOrderIsAnErrorEvenWhenItBeganInTheWarmUp() {
        assertThat(Workload.tally(false, Target.Outcome.ERROR))
                .as("clients stuck from the warm-up and failing after the end must not make a clean row")
                .isEqualTo(Workload.Tally.ERROR);
        assertThat(Workload.tally(true, Target.Outcome.ERROR)).isEqualTo(Workload.Tally.ERROR);
    }

    @Test
    void onlyOrdersBegunAfterTheWarmUpAreMeasured() {
        assertThat(Workload.tally(true, Target.Outcome.COMMITTED)).isEqualTo(Workload.Tally.MEASURED);
        assertThat(Workload.tally(true, Target.Outcome.ABORTED)).isEqualTo(Workload.Tally.MEASURED);
        assertThat(Workload.tally(false, Target.Outcome.COMMITTED)).isEqualTo(Workload.Tally.WARM_UP);
        assertThat(Workload.tally(false, Target.Outcome.ABORTED)).isEqualTo(Workload.Tally.WARM_UP);
    }
}
