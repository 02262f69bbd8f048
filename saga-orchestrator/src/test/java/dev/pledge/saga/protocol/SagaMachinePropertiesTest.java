package dev.pledge.saga.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import dev.pledge.saga.protocol.SagaAction.Finish;
import dev.pledge.saga.protocol.SagaAction.Send;
import dev.pledge.saga.protocol.SagaState.Status;
import dev.pledge.saga.protocol.StepState.Phase;

/**
 * Thousands of random event sequences (replies, refusals, failures, timeouts, late and repeated events,
 * with time passing) through the order saga in each orchestrated flow. Every transition is checked: the
 * saga's course never turns back (a compensating saga never completes), the state that is saved with a
 * command already says the command is out (the outbox and the state are one write), a compensation goes
 * only to a step whose action was sent, no new action starts once compensating, and the end is reported
 * once. After the random part, answering every command makes the saga end, completed with every step
 * done or compensated with nothing left to undo.
 */
class SagaMachinePropertiesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SagaDefinition ORDER = OrderSaga.DEFINITION;

    private static final Map<Status, Set<Status>> COURSE = Map.of(
            Status.RUNNING, EnumSet.of(Status.RUNNING, Status.COMPENSATING, Status.COMPLETED, Status.COMPENSATED),
            Status.COMPENSATING, EnumSet.of(Status.COMPENSATING, Status.COMPENSATED),
            Status.COMPLETED, EnumSet.of(Status.COMPLETED),
            Status.COMPENSATED, EnumSet.of(Status.COMPENSATED));

    private static final Map<Phase, Set<Phase>> STEP_COURSE = Map.of(
            Phase.PENDING, EnumSet.of(Phase.PENDING, Phase.ACTING),
            Phase.ACTING, EnumSet.of(Phase.ACTING, Phase.DONE, Phase.REFUSED, Phase.UNKNOWN, Phase.COMPENSATING),
            Phase.DONE, EnumSet.of(Phase.DONE, Phase.COMPENSATING),
            Phase.UNKNOWN, EnumSet.of(Phase.UNKNOWN, Phase.COMPENSATING),
            Phase.REFUSED, EnumSet.of(Phase.REFUSED),
            Phase.COMPENSATING, EnumSet.of(Phase.COMPENSATING, Phase.COMPENSATED),
            Phase.COMPENSATED, EnumSet.of(Phase.COMPENSATED));

    @Property(tries = 3000)
    void theSagaNeverTurnsBackAndAlwaysEnds(@ForAll("flows") Flow flow,
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 999) Integer> choices) {
        SagaMachine machine = new SagaMachine(ORDER, flow);
        Instant now = T0;
        SagaMachine.Transition t = machine.start(now);
        boolean[] actionSent = new boolean[ORDER.size()];
        check(null, t, actionSent);
        for (int c : choices) {
            now = now.plus(Duration.ofMillis(c * 20L));
            SagaMachine.Transition next = machine.next(t.state(), randomEvent(t.state(), c, now));
            check(t.state(), next, actionSent);
            t = next;
        }
        for (int i = 0; i < 200 && !t.state().status().isFinal(); i++) {
            now = now.plusSeconds(1);
            SagaMachine.Transition next = machine.next(t.state(), answer(t.state(), now));
            check(t.state(), next, actionSent);
            t = next;
        }
        SagaState end = t.state();
        assertThat(end.status().isFinal()).as("ends once every command is answered: %s", end).isTrue();
        if (end.status() == Status.COMPLETED) {
            assertThat(end.steps()).allMatch(s -> s.phase() == Phase.DONE);
        } else {
            for (int i = 0; i < ORDER.size(); i++) {
                if (ORDER.step(i).compensable()) {
                    assertThat(end.step(i).phase()).as("step %d of a compensated saga", i)
                            .isIn(Phase.PENDING, Phase.REFUSED, Phase.COMPENSATED);
                }
            }
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Flow> flows() {
        return net.jqwik.api.Arbitraries.of(Flow.SEQUENTIAL, Flow.PARALLEL, Flow.FORWARD_RECOVERY);
    }

    private static void check(SagaState before, SagaMachine.Transition t, boolean[] actionSent) {
        SagaState after = t.state();
        if (before != null && before.status().isFinal()) {
            assertThat(after).isEqualTo(before);
            assertThat(t.actions()).isEmpty();
            return;
        }
        if (before != null) {
            assertThat(COURSE.get(before.status())).as("%s -> %s", before.status(), after.status()).contains(after.status());
            for (int i = 0; i < ORDER.size(); i++) {
                assertThat(STEP_COURSE.get(before.step(i).phase())).as("step %d: %s -> %s", i, before.step(i).phase(),
                        after.step(i).phase()).contains(after.step(i).phase());
            }
        }
        for (SagaAction a : t.actions()) {
            if (a instanceof Send s) {
                StepState step = after.step(s.step());
                assertThat(step.phase()).as("saved with %s", s).isEqualTo(s.compensation() ? Phase.COMPENSATING : Phase.ACTING);
                assertThat(step.attempt()).as("saved with %s", s).isEqualTo(s.attempt());
                if (s.compensation()) {
                    assertThat(actionSent[s.step()]).as("compensation of a step never sent: %s", s).isTrue();
                } else {
                    assertThat(after.status()).as("an action sent while undoing: %s", s).isEqualTo(Status.RUNNING);
                    actionSent[s.step()] = true;
                }
            }
        }
        long finishes = t.actions().stream().filter(a -> a instanceof Finish).count();
        boolean ended = after.status().isFinal() && (before == null || !before.status().isFinal());
        assertThat(finishes).as("the end is reported once").isEqualTo(ended ? 1 : 0);
        t.actions().stream().filter(a -> a instanceof Finish).map(a -> ((Finish) a).status())
                .forEach(s -> assertThat(s).isEqualTo(after.status()));
    }

    /** One event: mostly an answer to a command now out, sometimes a stale or stray one. */
    private static SagaEvent randomEvent(SagaState state, int c, Instant at) {
        List<Integer> out = outstanding(state);
        if (out.isEmpty() || c % 7 == 0) {
            return event(c % ORDER.size(), 1 + c % 4, (c / 10) % 7, at);
        }
        int step = out.get(c % out.size());
        StepState s = state.step(step);
        int kind = s.phase() == Phase.COMPENSATING ? 4 + (c / 10) % 3 : (c / 10) % 4;
        return event(step, s.attempt(), kind, at);
    }

    /** Answers one command now out with success. */
    private static SagaEvent answer(SagaState state, Instant at) {
        int step = outstanding(state).get(0);
        StepState s = state.step(step);
        return event(step, s.attempt(), s.phase() == Phase.COMPENSATING ? 4 : 0, at);
    }

    private static List<Integer> outstanding(SagaState state) {
        return IntStream.range(0, ORDER.size()).filter(i -> state.step(i).phase() == Phase.ACTING
                || state.step(i).phase() == Phase.COMPENSATING).boxed().toList();
    }

    private static SagaEvent event(int step, int attempt, int kind, Instant at) {
        return switch (kind) {
            case 0 -> new SagaEvent.Succeeded(step, attempt, at);
            case 1 -> new SagaEvent.Failed(step, attempt, "refused", false, at);
            case 2 -> new SagaEvent.Failed(step, attempt, "database down", true, at);
            case 3 -> new SagaEvent.TimedOut(step, attempt, false, at);
            case 4 -> new SagaEvent.Compensated(step, attempt, at);
            case 5 -> new SagaEvent.CompensationFailed(step, attempt, "database down", at);
            default -> new SagaEvent.TimedOut(step, attempt, true, at);
        };
    }
}
