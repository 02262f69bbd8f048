package dev.pledge.saga.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.saga.protocol.SagaAction.Finish;
import dev.pledge.saga.protocol.SagaAction.Send;
import dev.pledge.saga.protocol.SagaEvent.Compensated;
import dev.pledge.saga.protocol.SagaEvent.CompensationFailed;
import dev.pledge.saga.protocol.SagaEvent.Failed;
import dev.pledge.saga.protocol.SagaEvent.Succeeded;
import dev.pledge.saga.protocol.SagaEvent.TimedOut;
import dev.pledge.saga.protocol.SagaMachine.Transition;
import dev.pledge.saga.protocol.SagaState.Status;
import dev.pledge.saga.protocol.StepState.Phase;

class SagaMachineTest {
    private static final SagaDefinition ORDER = OrderSaga.DEFINITION;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int RESERVE = 0;
    private static final int CHARGE = 1;
    private static final int CONFIRM = 2;

    private final SagaMachine sequential = new SagaMachine(ORDER, Flow.SEQUENTIAL);
    private final SagaMachine parallel = new SagaMachine(ORDER, Flow.PARALLEL);
    private final SagaMachine forward = new SagaMachine(ORDER, Flow.FORWARD_RECOVERY);

    @Test
    void runsEveryStepInOrderAndCompletes() {
        Transition t = sequential.start(T0);
        assertThat(t.actions()).containsExactly(new Send(RESERVE, false, 1, Duration.ZERO, TIMEOUT));
        t = sequential.next(t.state(), new Succeeded(RESERVE, 1, T0));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 1, Duration.ZERO, TIMEOUT));
        t = sequential.next(t.state(), new Succeeded(CHARGE, 1, T0));
        t = sequential.next(t.state(), new Succeeded(CONFIRM, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPLETED);
        assertThat(t.actions()).containsExactly(new Finish(Status.COMPLETED, null));
    }

    @Test
    void aBusinessRefusalCompensatesTheCompletedStepsInReverse() {
        SagaState s = after(sequential, new Succeeded(RESERVE, 1, T0));
        Transition t = sequential.next(s, new Failed(CHARGE, 1, "insufficient funds", false, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATING);
        assertThat(t.state().step(CHARGE).phase()).isEqualTo(Phase.REFUSED);
        assertThat(sent(t)).containsExactly(new Send(RESERVE, true, 1, Duration.ZERO, TIMEOUT));
        t = sequential.next(t.state(), new Compensated(RESERVE, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.state().reason()).isEqualTo("charge-payment: insufficient funds");
    }

    @Test
    void aRefusalAtTheFirstStepEndsCompensatedWithNothingToUndo() {
        Transition t = sequential.next(sequential.start(T0).state(), new Failed(RESERVE, 1, "out of stock", false, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.actions()).containsExactly(new Finish(Status.COMPENSATED, "reserve-stock: out of stock"));
    }

    @Test
    void aTimeoutRetriesWithBackoffThenCompensatesTheUncertainStepToo() {
        SagaState s = after(sequential, new Succeeded(RESERVE, 1, T0));
        Transition t = sequential.next(s, new TimedOut(CHARGE, 1, false, T0));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 2, Duration.ofMillis(200), TIMEOUT));
        t = sequential.next(t.state(), new Failed(CHARGE, 2, "connection refused", true, T0));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 3, Duration.ofMillis(400), TIMEOUT));
        t = sequential.next(t.state(), new TimedOut(CHARGE, 3, false, T0));
        // outcome unknown: refund first (a no-op if the charge never happened), then release
        assertThat(t.state().step(CHARGE).phase()).isEqualTo(Phase.COMPENSATING);
        assertThat(sent(t)).containsExactly(new Send(CHARGE, true, 1, Duration.ZERO, TIMEOUT));
        t = sequential.next(t.state(), new Compensated(CHARGE, 1, T0));
        assertThat(sent(t)).containsExactly(new Send(RESERVE, true, 1, Duration.ZERO, TIMEOUT));
        t = sequential.next(t.state(), new Compensated(RESERVE, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.state().reason()).startsWith("charge-payment failed after 3 attempts");
    }

    @Test
    void aFailingCompensationIsRetriedUntilItSucceeds() {
        SagaState s = sequential.next(after(sequential, new Succeeded(RESERVE, 1, T0)),
                new Failed(CHARGE, 1, "declined", false, T0)).state();
        for (int attempt = 1; attempt <= 12; attempt++) {
            Transition t = sequential.next(s, attempt % 2 == 0
                    ? new TimedOut(RESERVE, attempt, true, T0) : new CompensationFailed(RESERVE, attempt, "db down", T0));
            Send retry = sent(t).get(0);
            assertThat(retry.compensation()).isTrue();
            assertThat(retry.attempt()).isEqualTo(attempt + 1);
            assertThat(retry.delay()).isLessThanOrEqualTo(SagaMachine.MAX_BACKOFF);
            assertThat(t.state().status()).isEqualTo(Status.COMPENSATING);
            assertThat(t.state().maxAttempt()).isEqualTo(attempt + 1);
            s = t.state();
        }
        assertThat(sequential.next(s, new Compensated(RESERVE, 13, T0)).state().status()).isEqualTo(Status.COMPENSATED);
    }

    @Test
    void lateRepeatedOrForeignRepliesChangeNothing() {
        SagaState s = after(sequential, new Succeeded(RESERVE, 1, T0));
        List<SagaEvent> stale = List.of(new Succeeded(RESERVE, 1, T0), new Succeeded(CHARGE, 2, T0),
                new Failed(CONFIRM, 1, "x", false, T0), new Compensated(CHARGE, 1, T0), new TimedOut(CHARGE, 1, true, T0),
                new Succeeded(7, 1, T0));
        for (SagaEvent e : stale) {
            Transition t = sequential.next(s, e);
            assertThat(t.state()).as("%s", e).isEqualTo(s);
            assertThat(t.actions()).as("%s", e).isEmpty();
        }
        SagaState done = sequential.next(sequential.start(T0).state(), new Failed(RESERVE, 1, "no", false, T0)).state();
        assertThat(sequential.next(done, new Succeeded(RESERVE, 1, T0)).actions()).isEmpty();
    }

    @Test
    void parallelRunsIndependentStepsTogetherThenTheNextStage() {
        Transition t = parallel.start(T0);
        assertThat(sent(t)).containsExactlyInAnyOrder(new Send(RESERVE, false, 1, Duration.ZERO, TIMEOUT),
                new Send(CHARGE, false, 1, Duration.ZERO, TIMEOUT));
        t = parallel.next(t.state(), new Succeeded(CHARGE, 1, T0));
        assertThat(t.actions()).as("confirm waits for the whole stage").isEmpty();
        t = parallel.next(t.state(), new Succeeded(RESERVE, 1, T0));
        assertThat(sent(t)).containsExactly(new Send(CONFIRM, false, 1, Duration.ZERO, TIMEOUT));
        t = parallel.next(t.state(), new Succeeded(CONFIRM, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPLETED);
    }

    @Test
    void parallelAwaitsTheStepStillOutThenCompensatesWhatTookEffect() {
        Transition t = parallel.next(parallel.start(T0).state(), new Failed(RESERVE, 1, "out of stock", false, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATING);
        assertThat(t.actions()).as("the charge is still out").isEmpty();
        t = parallel.next(t.state(), new Succeeded(CHARGE, 1, T0));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, true, 1, Duration.ZERO, TIMEOUT));
        t = parallel.next(t.state(), new Compensated(CHARGE, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.state().reason()).isEqualTo("reserve-stock: out of stock");
    }

    @Test
    void parallelCompensatesEveryCompletedStepAtOnce() {
        SagaState s = after(parallel, new Succeeded(RESERVE, 1, T0), new Succeeded(CHARGE, 1, T0));
        Transition t = parallel.next(s, new TimedOut(CONFIRM, 1, false, T0));
        t = parallel.next(t.state(), new TimedOut(CONFIRM, 2, false, T0));
        t = parallel.next(t.state(), new TimedOut(CONFIRM, 3, false, T0));
        assertThat(sent(t)).containsExactlyInAnyOrder(new Send(RESERVE, true, 1, Duration.ZERO, TIMEOUT),
                new Send(CHARGE, true, 1, Duration.ZERO, TIMEOUT));
        t = parallel.next(t.state(), new Compensated(RESERVE, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATING);
        t = parallel.next(t.state(), new Compensated(CHARGE, 1, T0));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
    }

    @Test
    void forwardRecoveryRetriesEvenARefusalUntilTheDeadline() {
        SagaState s = after(forward, new Succeeded(RESERVE, 1, T0));
        Instant chargeStarted = s.step(CHARGE).since();
        Transition t = forward.next(s, new Failed(CHARGE, 1, "insufficient funds", false, T0.plusSeconds(1)));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 2, Duration.ofMillis(200), TIMEOUT));
        t = forward.next(t.state(), new Failed(CHARGE, 2, "insufficient funds", false, T0.plusSeconds(2)));
        t = forward.next(t.state(), new TimedOut(CHARGE, 3, false, T0.plusSeconds(9)));
        t = forward.next(t.state(), new Succeeded(CHARGE, 4, T0.plusSeconds(10)));
        assertThat(sent(t)).as("the saga went forward").containsExactly(new Send(CONFIRM, false, 1, Duration.ZERO, TIMEOUT));
        assertThat(chargeStarted).isEqualTo(T0);

        SagaState late = after(forward, new Succeeded(RESERVE, 1, T0));
        t = forward.next(late, new Failed(CHARGE, 1, "insufficient funds", false, T0.plus(ORDER.forwardDeadline())));
        assertThat(t.state().status()).as("past the deadline").isEqualTo(Status.COMPENSATING);
        assertThat(sent(t)).containsExactly(new Send(RESERVE, true, 1, Duration.ZERO, TIMEOUT));
    }

    @Test
    void choreographyHasNoMachine() {
        assertThatThrownBy(() -> new SagaMachine(ORDER, Flow.CHOREOGRAPHY)).isInstanceOf(IllegalArgumentException.class);
    }

    private static SagaState after(SagaMachine machine, SagaEvent... events) {
        SagaState s = machine.start(T0).state();
        for (SagaEvent e : events) {
            s = machine.next(s, e).state();
        }
        return s;
    }

    private static List<Send> sent(Transition t) {
        return t.actions().stream().filter(Send.class::isInstance).map(Send.class::cast).toList();
    }
}
