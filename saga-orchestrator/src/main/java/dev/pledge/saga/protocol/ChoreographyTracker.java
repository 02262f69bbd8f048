package dev.pledge.saga.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pledge.saga.protocol.SagaState.Status;
import dev.pledge.saga.protocol.StepState.Phase;

/**
 * Follows a choreographed order saga from the events the participants announce: no orchestrator is in the
 * path, so this only records where the saga stands. A pure function, like the machine; an event after the
 * end, or one it does not know, changes nothing.
 */
public final class ChoreographyTracker {
    public static final String ORDER_PLACED = "OrderPlaced";

    private record Effect(int step, Phase phase, Status status, String stepName) {
    }

    private static final Map<String, Effect> EFFECTS = Map.of(
            "StockReserved", new Effect(0, Phase.DONE, null, "reserve-stock"),
            "StockRefused", new Effect(0, Phase.REFUSED, Status.COMPENSATED, "reserve-stock"),
            "PaymentCharged", new Effect(1, Phase.DONE, null, "charge-payment"),
            "PaymentDeclined", new Effect(1, Phase.REFUSED, Status.COMPENSATING, "charge-payment"),
            "OrderConfirmed", new Effect(2, Phase.DONE, Status.COMPLETED, "confirm"),
            "ConfirmRefused", new Effect(2, Phase.REFUSED, Status.COMPENSATING, "confirm"),
            "StockReleased", new Effect(0, Phase.COMPENSATED, Status.COMPENSATING, "reserve-stock"),
            "PaymentRefunded", new Effect(1, Phase.COMPENSATED, Status.COMPENSATED, "charge-payment"));

    private ChoreographyTracker() {
    }

    /** A placed order: inventory is expected to reserve the stock. */
    public static SagaState start(Instant now, int steps) {
        List<StepState> all = new ArrayList<>();
        all.add(new StepState(Phase.ACTING, 1, now));
        for (int i = 1; i < steps; i++) {
            all.add(new StepState(Phase.PENDING, 0, null));
        }
        return new SagaState(Status.RUNNING, all, null);
    }

    public static boolean knows(String event) {
        return EFFECTS.containsKey(event);
    }

    /** The step an event is about, or null. */
    public static String stepOf(String event) {
        Effect e = EFFECTS.get(event);
        return e == null ? null : e.stepName();
    }

    public static SagaState apply(SagaState state, String event, String reason, Instant now) {
        Effect e = EFFECTS.get(event);
        if (e == null || state.status().isFinal()) {
            return state;
        }
        List<StepState> steps = new ArrayList<>(state.steps());
        StepState before = steps.get(e.step());
        steps.set(e.step(), new StepState(e.phase(), Math.max(1, before.attempt()), before.since() == null ? now : before.since()));
        if (event.equals("StockReserved") || event.equals("PaymentCharged")) {
            int next = e.step() + 1;
            if (steps.get(next).phase() == Phase.PENDING) {
                steps.set(next, new StepState(Phase.ACTING, 1, now));
            }
        }
        Status status = e.status() == null ? state.status() : e.status();
        String why = state.reason();
        if (why == null && e.phase() == Phase.REFUSED) {
            why = e.stepName() + ": " + (reason == null ? "refused" : reason);
        } else if (why == null && e.phase() == Phase.COMPENSATED && reason != null) {
            why = e.stepName() + " undone: " + reason;
        }
        return new SagaState(status, steps, why);
    }
}
