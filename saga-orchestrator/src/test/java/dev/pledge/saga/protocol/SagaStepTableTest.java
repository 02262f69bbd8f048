package dev.pledge.saga.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.saga.protocol.SagaState.Status;
import dev.pledge.saga.protocol.StepState.Phase;

/**
 * The saga machine's whole (step phase x event) table for the order saga's first step, sequential flow:
 * what each kind of event does to a step in each phase. "-" means the event is ignored: same state, no
 * action. The resulting phase is read after the machine settled (a step whose outcome is unknown, for
 * example, is at once being compensated).
 */
class SagaStepTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> EVENTS = List.of("succeeded", "refused", "failed", "timed-out",
            "compensated", "compensation-failed", "compensation-timed-out");

    /** Rows: the step's phase and attempt (of 3); columns: {@link #EVENTS}. */
    private static final List<String> TABLE = List.of(
            "PENDING/1      -        -           -          -          -             -             -",
            "ACTING/1       DONE/1   REFUSED/1   ACTING/2   ACTING/2   -             -             -",
            "ACTING/3       DONE/3   REFUSED/3   COMPENSATING/1 COMPENSATING/1 -     -             -",
            "DONE/1         -        -           -          -          -             -             -",
            "REFUSED/1      -        -           -          -          -             -             -",
            "UNKNOWN/3      -        -           -          -          -             -             -",
            "COMPENSATING/1 -        -           -          -          COMPENSATED/1 COMPENSATING/2 COMPENSATING/2",
            "COMPENSATED/1  -        -           -          -          -             -             -");

    private final SagaMachine machine = new SagaMachine(OrderSaga.DEFINITION, Flow.SEQUENTIAL);

    @Test
    void everyPhaseMeetsEveryEventAsTheTableSays() {
        assertThat(TABLE.stream().map(r -> r.trim().split("\\s+")[0].split("/")[0]).distinct())
                .as("every phase has a row").containsExactlyInAnyOrder(
                        java.util.Arrays.stream(Phase.values()).map(Enum::name).toArray(String[]::new));
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+");
            StepState step = parse(cells[0]);
            SagaState before = stateWithFirstStep(step);
            for (int e = 0; e < EVENTS.size(); e++) {
                SagaMachine.Transition t = machine.next(before, event(EVENTS.get(e), step.attempt()));
                String expected = cells[1 + e];
                String what = cells[0] + " x " + EVENTS.get(e);
                if (expected.equals("-")) {
                    assertThat(t.state()).as(what).isEqualTo(before);
                    assertThat(t.actions()).as(what).isEmpty();
                } else {
                    StepState after = t.state().step(0);
                    assertThat(after.phase() + "/" + after.attempt()).as(what).isEqualTo(expected);
                }
            }
        }
    }

    /** The saga as it would be with its first step in {@code step}: running, or compensating once undoing. */
    private static SagaState stateWithFirstStep(StepState step) {
        List<StepState> steps = new ArrayList<>();
        steps.add(step);
        for (int i = 1; i < OrderSaga.DEFINITION.size(); i++) {
            steps.add(StepState.pending());
        }
        boolean undoing = step.phase() == Phase.COMPENSATING || step.phase() == Phase.COMPENSATED
                || step.phase() == Phase.REFUSED || step.phase() == Phase.UNKNOWN;
        return new SagaState(undoing ? Status.COMPENSATING : Status.RUNNING, steps, undoing ? "test" : null);
    }

    private static StepState parse(String cell) {
        String[] parts = cell.split("/");
        return new StepState(Phase.valueOf(parts[0]), Integer.parseInt(parts[1]), T0);
    }

    private static SagaEvent event(String kind, int attempt) {
        return switch (kind) {
            case "succeeded" -> new SagaEvent.Succeeded(0, attempt, T0);
            case "refused" -> new SagaEvent.Failed(0, attempt, "out of stock", false, T0);
            case "failed" -> new SagaEvent.Failed(0, attempt, "database down", true, T0);
            case "timed-out" -> new SagaEvent.TimedOut(0, attempt, false, T0);
            case "compensated" -> new SagaEvent.Compensated(0, attempt, T0);
            case "compensation-failed" -> new SagaEvent.CompensationFailed(0, attempt, "database down", T0);
            case "compensation-timed-out" -> new SagaEvent.TimedOut(0, attempt, true, T0);
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
