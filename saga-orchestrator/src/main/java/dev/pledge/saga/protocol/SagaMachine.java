package dev.pledge.saga.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pledge.saga.protocol.SagaAction.Finish;
import dev.pledge.saga.protocol.SagaAction.Send;
import dev.pledge.saga.protocol.SagaEvent.Compensated;
import dev.pledge.saga.protocol.SagaEvent.CompensationFailed;
import dev.pledge.saga.protocol.SagaEvent.Failed;
import dev.pledge.saga.protocol.SagaEvent.Succeeded;
import dev.pledge.saga.protocol.SagaEvent.TimedOut;

/**
 * The orchestrated, sequential saga with backward recovery, as one pure function
 * {@code next(definition, state, event) -> transition}: no I/O, the same code in tests and in the service.
 *
 * <ul>
 *   <li>steps run one after the other; a business refusal compensates the completed steps in reverse;</li>
 *   <li>a timeout or a technical failure retries the step with backoff; when retries run out, the step's
 *       outcome is unknown, so it is compensated too (participants turn a compensation of an action that
 *       never happened into a no-op);</li>
 *   <li>a failed compensation is retried until it succeeds: a saga is never dropped half undone;</li>
 *   <li>a reply for another step or an older attempt, or any event after the end, changes nothing.</li>
 * </ul>
 */
public final class SagaMachine {
    /** Compensations are retried forever; their backoff stops growing here. */
    static final Duration MAX_COMPENSATION_BACKOFF = Duration.ofSeconds(5);

    public record Transition(SagaState state, List<SagaAction> actions) {
        static Transition ignore(SagaState state) {
            return new Transition(state, List.of());
        }
    }

    private SagaMachine() {
    }

    public static Transition start(SagaDefinition saga) {
        return new Transition(SagaState.running(0, 1), List.of(send(saga, 0, false, 1, Duration.ZERO)));
    }

    public static Transition next(SagaDefinition saga, SagaState state, SagaEvent event) {
        if (state.status().isFinal() || event.step() != state.current() || event.attempt() != state.attempt()) {
            return Transition.ignore(state);
        }
        return state.status() == SagaState.Status.RUNNING ? running(saga, state, event) : compensating(saga, state, event);
    }

    private static Transition running(SagaDefinition saga, SagaState state, SagaEvent event) {
        int step = state.current();
        if (event instanceof Succeeded) {
            if (step == saga.size() - 1) {
                return new Transition(SagaState.finished(SagaState.Status.COMPLETED, null),
                        List.of(new Finish(SagaState.Status.COMPLETED, null)));
            }
            return new Transition(SagaState.running(step + 1, 1), List.of(send(saga, step + 1, false, 1, Duration.ZERO)));
        }
        if (event instanceof Failed f && !f.retryable()) {
            // refused: this step changed nothing, undo the ones before it
            return compensate(saga, step - 1, saga.step(step).name() + ": " + f.reason());
        }
        if (event instanceof TimedOut t && t.compensation() || event instanceof Compensated
                || event instanceof CompensationFailed) {
            return Transition.ignore(state);
        }
        StepDefinition def = saga.step(step);
        if (state.attempt() < def.retry().maxAttempts()) {
            int attempt = state.attempt() + 1;
            return new Transition(SagaState.running(step, attempt),
                    List.of(send(saga, step, false, attempt, def.retry().delayBefore(attempt))));
        }
        String why = event instanceof Failed f ? f.reason() : "no reply within " + def.timeout().toMillis() + " ms";
        // retries exhausted with the outcome unknown: undo this step too
        return compensate(saga, step, def.name() + " failed after " + state.attempt() + " attempts: " + why);
    }

    /** Starts undoing steps {@code from} down to 0 (those that have a compensation). */
    private static Transition compensate(SagaDefinition saga, int from, String reason) {
        List<Integer> pending = new ArrayList<>();
        for (int i = from; i >= 0; i--) {
            if (saga.step(i).compensable()) {
                pending.add(i);
            }
        }
        if (pending.isEmpty()) {
            return new Transition(SagaState.finished(SagaState.Status.COMPENSATED, reason),
                    List.of(new Finish(SagaState.Status.COMPENSATED, reason)));
        }
        return new Transition(SagaState.compensating(pending, 1, reason),
                List.of(send(saga, pending.get(0), true, 1, Duration.ZERO)));
    }

    private static Transition compensating(SagaDefinition saga, SagaState state, SagaEvent event) {
        if (event instanceof Compensated) {
            List<Integer> rest = state.pending().subList(1, state.pending().size());
            if (rest.isEmpty()) {
                return new Transition(SagaState.finished(SagaState.Status.COMPENSATED, state.reason()),
                        List.of(new Finish(SagaState.Status.COMPENSATED, state.reason())));
            }
            return new Transition(SagaState.compensating(rest, 1, state.reason()),
                    List.of(send(saga, rest.get(0), true, 1, Duration.ZERO)));
        }
        boolean compensationTrouble = event instanceof CompensationFailed || event instanceof TimedOut t && t.compensation();
        if (!compensationTrouble) {
            return Transition.ignore(state);
        }
        int attempt = state.attempt() + 1;
        Duration delay = saga.step(state.current()).retry().delayBefore(attempt);
        if (delay.compareTo(MAX_COMPENSATION_BACKOFF) > 0) {
            delay = MAX_COMPENSATION_BACKOFF;
        }
        return new Transition(new SagaState(SagaState.Status.COMPENSATING, state.current(), attempt, state.pending(),
                state.reason()), List.of(send(saga, state.current(), true, attempt, delay)));
    }

    private static Send send(SagaDefinition saga, int step, boolean compensation, int attempt, Duration delay) {
        return new Send(step, compensation, attempt, delay, saga.step(step).timeout());
    }
}
