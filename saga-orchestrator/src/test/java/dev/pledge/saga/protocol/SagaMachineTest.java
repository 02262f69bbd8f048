package dev.pledge.saga.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

class SagaMachineTest {
    private static final SagaDefinition ORDER = OrderSaga.DEFINITION;
    private static final int RESERVE = 0;
    private static final int CHARGE = 1;
    private static final int CONFIRM = 2;

    @Test
    void runsEveryStepInOrderAndCompletes() {
        Transition t = SagaMachine.start(ORDER);
        assertThat(t.actions()).containsExactly(new Send(RESERVE, false, 1, Duration.ZERO, Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new Succeeded(RESERVE, 1));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 1, Duration.ZERO, Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new Succeeded(CHARGE, 1));
        t = SagaMachine.next(ORDER, t.state(), new Succeeded(CONFIRM, 1));
        assertThat(t.state().status()).isEqualTo(Status.COMPLETED);
        assertThat(t.actions()).containsExactly(new Finish(Status.COMPLETED, null));
    }

    @Test
    void aBusinessRefusalCompensatesTheCompletedStepsInReverse() {
        SagaState s = after(new Succeeded(RESERVE, 1));
        Transition t = SagaMachine.next(ORDER, s, new Failed(CHARGE, 1, "insufficient funds", false));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATING);
        assertThat(t.state().pending()).containsExactly(RESERVE);
        assertThat(sent(t)).containsExactly(new Send(RESERVE, true, 1, Duration.ZERO, Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new Compensated(RESERVE, 1));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.state().reason()).isEqualTo("charge-payment: insufficient funds");
    }

    @Test
    void aRefusalAtTheFirstStepEndsCompensatedWithNothingToUndo() {
        Transition t = SagaMachine.next(ORDER, SagaMachine.start(ORDER).state(), new Failed(RESERVE, 1, "out of stock", false));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.actions()).containsExactly(new Finish(Status.COMPENSATED, "reserve-stock: out of stock"));
    }

    @Test
    void aTimeoutRetriesWithBackoffThenCompensatesTheUncertainStepToo() {
        SagaState s = after(new Succeeded(RESERVE, 1));
        Transition t = SagaMachine.next(ORDER, s, new TimedOut(CHARGE, 1, false));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 2, Duration.ofMillis(200), Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new Failed(CHARGE, 2, "connection refused", true));
        assertThat(sent(t)).containsExactly(new Send(CHARGE, false, 3, Duration.ofMillis(400), Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new TimedOut(CHARGE, 3, false));
        // outcome unknown: refund (a no-op if the charge never happened), then release
        assertThat(t.state().pending()).containsExactly(CHARGE, RESERVE);
        assertThat(sent(t)).containsExactly(new Send(CHARGE, true, 1, Duration.ZERO, Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new Compensated(CHARGE, 1));
        assertThat(sent(t)).containsExactly(new Send(RESERVE, true, 1, Duration.ZERO, Duration.ofSeconds(5)));
        t = SagaMachine.next(ORDER, t.state(), new Compensated(RESERVE, 1));
        assertThat(t.state().status()).isEqualTo(Status.COMPENSATED);
        assertThat(t.state().reason()).startsWith("charge-payment failed after 3 attempts");
    }

    @Test
    void aFailingCompensationIsRetriedUntilItSucceeds() {
        SagaState s = SagaMachine.next(ORDER, after(new Succeeded(RESERVE, 1)), new Failed(CHARGE, 1, "declined", false)).state();
        for (int attempt = 1; attempt <= 12; attempt++) {
            Transition t = SagaMachine.next(ORDER, s, attempt % 2 == 0
                    ? new TimedOut(RESERVE, attempt, true) : new CompensationFailed(RESERVE, attempt, "db down"));
            Send retry = sent(t).get(0);
            assertThat(retry.compensation()).isTrue();
            assertThat(retry.attempt()).isEqualTo(attempt + 1);
            assertThat(retry.delay()).isLessThanOrEqualTo(SagaMachine.MAX_COMPENSATION_BACKOFF);
            assertThat(t.state().status()).isEqualTo(Status.COMPENSATING);
            s = t.state();
        }
        assertThat(SagaMachine.next(ORDER, s, new Compensated(RESERVE, 13)).state().status()).isEqualTo(Status.COMPENSATED);
    }

    @Test
    void lateRepeatedOrForeignRepliesChangeNothing() {
        SagaState s = after(new Succeeded(RESERVE, 1));
        List<SagaEvent> stale = List.of(new Succeeded(RESERVE, 1), new Succeeded(CHARGE, 2), new Failed(CONFIRM, 1, "x", false),
                new Compensated(CHARGE, 1), new TimedOut(CHARGE, 1, true));
        for (SagaEvent e : stale) {
            Transition t = SagaMachine.next(ORDER, s, e);
            assertThat(t.state()).as("%s", e).isEqualTo(s);
            assertThat(t.actions()).as("%s", e).isEmpty();
        }
        SagaState done = SagaMachine.next(ORDER, SagaMachine.start(ORDER).state(), new Failed(RESERVE, 1, "no", false)).state();
        assertThat(SagaMachine.next(ORDER, done, new Succeeded(-1, 0)).actions()).isEmpty();
    }

    private static SagaState after(SagaEvent... events) {
        SagaState s = SagaMachine.start(ORDER).state();
        for (SagaEvent e : events) {
            s = SagaMachine.next(ORDER, s, e).state();
        }
        return s;
    }

    private static List<Send> sent(Transition t) {
        return t.actions().stream().filter(Send.class::isInstance).map(Send.class::cast).toList();
    }
}
