package dev.pledge.chaos.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.chaos.campaign.CrashCampaign.Fault;
import dev.pledge.stack.Stack;

class CrashScheduleTest {
    private static final List<String> DEFAULT = List.of("2pc", "3pc", "sequential", "parallel");

    @Test
    void theFirstFaultsOfAnySeedReachTheCoordinatorTheParticipantsAndTheKills() {
        for (long seed = 0; seed < 50; seed++) {
            List<Fault> first = CrashCampaign.schedule(seed, DEFAULT).subList(0, 5);
            assertThat(first).as("seed %d: %s", seed, first)
                    .anyMatch(f -> f.target().equals(Stack.COORDINATOR) && f.point() != null)
                    .anyMatch(f -> (f.target().equals(Stack.INVENTORY) || f.target().equals(Stack.PAYMENT)) && f.point() != null)
                    .anyMatch(f -> f.point() == null);
        }
    }

    @Test
    void everyFaultComesOnceAndOnlyFaultsTheLoadCanReach() {
        List<Fault> all = CrashCampaign.schedule(7, DEFAULT);
        assertThat(new HashSet<>(all)).hasSameSizeAs(all);
        assertThat(all).contains(new Fault(Stack.COORDINATOR, "after-decision"), new Fault(Stack.PAYMENT, "before-precommit"),
                new Fault(Stack.SAGA_ORCHESTRATOR, "after-first-step"), new Fault(Stack.KAFKA, null));

        List<Fault> twoPhase = CrashCampaign.schedule(7, List.of("2pc"));
        assertThat(twoPhase).contains(new Fault(Stack.COORDINATOR, "after-first-commit"))
                .doesNotContain(new Fault(Stack.COORDINATOR, "after-first-precommit"), new Fault(Stack.INVENTORY, "before-precommit"),
                        new Fault(Stack.INVENTORY, "after-saga-effect"))
                .noneMatch(f -> f.target().equals(Stack.SAGA_ORCHESTRATOR) && f.point() != null);

        List<Fault> sagas = CrashCampaign.schedule(7, List.of("sequential"));
        assertThat(sagas).noneMatch(f -> f.target().equals(Stack.COORDINATOR) && f.point() != null)
                .contains(new Fault(Stack.PAYMENT, "after-saga-effect"));
    }
}
