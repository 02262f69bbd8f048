package dev.pledge.saga.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pledge.saga.protocol.SagaAction.Finish;
import dev.pledge.saga.protocol.SagaAction.Send;
import dev.pledge.saga.protocol.SagaEvent.Compensated;
import dev.pledge.saga.protocol.SagaEvent.Failed;
import dev.pledge.saga.protocol.SagaEvent.Succeeded;
import dev.pledge.saga.protocol.SagaState.Status;
import dev.pledge.saga.protocol.StepState.Phase;

/**
 * An orchestrated saga as one pure function {@code next(state, event) -> transition}: no I/O, the same code
 * in tests and in the service. The flow decides how steps run and how the saga recovers:
 *
 * <ul>
 *   <li>SEQUENTIAL: steps run one after the other; a refusal compensates the completed steps in reverse;</li>
 *   <li>PARALLEL: the steps of one stage run at the same time; on a failure the steps still out are awaited
 *       and every completed step is compensated at the same time;</li>
 *   <li>FORWARD_RECOVERY: sequential, but a failing step (refused, failed or silent) is retried until the
 *       saga's forward deadline; only then are the completed steps compensated.</li>
 * </ul>
 *
 * In every flow a timeout or a technical failure retries the step with backoff; when retries run out the
 * step's outcome is unknown, so it is compensated too (participants turn a compensation of an action that
 * never happened into a no-op). A failed compensation is retried until it succeeds: a saga is never dropped
 * half undone. A reply for an older attempt, for a step not waiting for it, or after the end changes nothing.
 */
public final class SagaMachine {
    /** Retries (of compensations, and of forward recovery) stop backing off further at this pause. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    public record Transition(SagaState state, List<SagaAction> actions) {
    }

    private final SagaDefinition saga;
    private final Flow flow;

    public SagaMachine(SagaDefinition saga, Flow flow) {
        if (!flow.orchestrated()) {
            throw new IllegalArgumentException(flow.label() + " has no orchestrator");
        }
        this.saga = saga;
        this.flow = flow;
    }

    public Transition start(Instant now) {
        List<StepState> steps = new ArrayList<>();
        saga.steps().forEach(s -> steps.add(StepState.pending()));
        Work w = new Work(Status.RUNNING, steps, null);
        w.launchStage(0, now);
        return w.done();
    }

    public Transition next(SagaState state, SagaEvent event) {
        if (state.status().isFinal() || event.step() < 0 || event.step() >= saga.size()) {
            return new Transition(state, List.of());
        }
        StepState step = state.step(event.step());
        Phase awaited = event.aboutCompensation() ? Phase.COMPENSATING : Phase.ACTING;
        if (step.phase() != awaited || step.attempt() != event.attempt()) {
            return new Transition(state, List.of());
        }
        Work w = new Work(state.status(), new ArrayList<>(state.steps()), state.reason());
        if (event.aboutCompensation()) {
            w.onCompensationEvent(event);
        } else {
            w.onActionEvent(event);
        }
        w.settle(event.at());
        return w.done();
    }

    /** One transition being worked out: the new step states and the actions they call for. */
    private final class Work {
        private Status status;
        private final List<StepState> steps;
        private String reason;
        private final List<SagaAction> actions = new ArrayList<>();

        Work(Status status, List<StepState> steps, String reason) {
            this.status = status;
            this.steps = steps;
            this.reason = reason;
        }

        Transition done() {
            return new Transition(new SagaState(status, steps, reason), List.copyOf(actions));
        }

        void onActionEvent(SagaEvent event) {
            int i = event.step();
            StepState s = steps.get(i);
            StepDefinition def = saga.step(i);
            if (event instanceof Succeeded) {
                steps.set(i, s.with(Phase.DONE, s.attempt()));
                return;
            }
            boolean refused = event instanceof Failed f && !f.retryable();
            if (status == Status.RUNNING && mayRetry(s, def, refused, event.at())) {
                int attempt = s.attempt() + 1;
                steps.set(i, s.with(Phase.ACTING, attempt));
                actions.add(new Send(i, false, attempt, backoff(def, attempt), def.timeout()));
                return;
            }
            String why = event instanceof Failed f ? f.reason() : "no reply within " + def.timeout().toMillis() + " ms";
            if (refused) {
                steps.set(i, s.with(Phase.REFUSED, s.attempt()));
                beginCompensation(def.name() + ": " + why);
            } else {
                steps.set(i, s.with(Phase.UNKNOWN, s.attempt()));
                beginCompensation(def.name() + " failed after " + s.attempt() + " attempts: " + why);
            }
        }

        private boolean mayRetry(StepState s, StepDefinition def, boolean refused, Instant at) {
            if (flow == Flow.FORWARD_RECOVERY) {
                return at.isBefore(s.since().plus(saga.forwardDeadline()));
            }
            return !refused && s.attempt() < def.retry().maxAttempts();
        }

        void onCompensationEvent(SagaEvent event) {
            int i = event.step();
            StepState s = steps.get(i);
            if (event instanceof Compensated) {
                steps.set(i, s.with(Phase.COMPENSATED, s.attempt()));
                return;
            }
            int attempt = s.attempt() + 1;
            steps.set(i, s.with(Phase.COMPENSATING, attempt));
            actions.add(new Send(i, true, attempt, backoff(saga.step(i), attempt), saga.step(i).timeout()));
        }

        private void beginCompensation(String why) {
            if (status == Status.RUNNING) {
                status = Status.COMPENSATING;
                reason = why;
            }
        }

        /** After an event: start what may start now, and finish the saga when nothing is left to do. */
        void settle(Instant now) {
            if (status == Status.RUNNING) {
                int stage = currentStage();
                if (steps.stream().anyMatch(s -> s.phase() == Phase.ACTING)) {
                    return;
                }
                if (stage == lastStageIndex()) {
                    status = Status.COMPLETED;
                    actions.add(new Finish(Status.COMPLETED, null));
                } else {
                    launchStage(stage + 1, now);
                }
                return;
            }
            boolean parallel = flow == Flow.PARALLEL;
            boolean busy = steps.stream().anyMatch(s -> s.phase() == Phase.COMPENSATING);
            for (int i = steps.size() - 1; i >= 0; i--) {
                StepState s = steps.get(i);
                boolean toUndo = (s.phase() == Phase.DONE || s.phase() == Phase.UNKNOWN) && saga.step(i).compensable();
                if (toUndo && (parallel || !busy)) {
                    steps.set(i, s.with(Phase.COMPENSATING, 1));
                    actions.add(new Send(i, true, 1, Duration.ZERO, saga.step(i).timeout()));
                    busy = true;
                }
            }
            boolean waiting = steps.stream().anyMatch(s -> s.phase() == Phase.ACTING || s.phase() == Phase.COMPENSATING);
            if (!waiting) {
                status = Status.COMPENSATED;
                actions.add(new Finish(Status.COMPENSATED, reason));
            }
        }

        /** The stage of the steps started last, or -1 before any. */
        private int currentStage() {
            int stage = -1;
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).phase() != Phase.PENDING) {
                    stage = stageOf(i);
                }
            }
            return stage;
        }

        void launchStage(int stage, Instant now) {
            for (int i = 0; i < steps.size(); i++) {
                if (stageOf(i) == stage) {
                    steps.set(i, new StepState(Phase.ACTING, 1, now));
                    actions.add(new Send(i, false, 1, Duration.ZERO, saga.step(i).timeout()));
                }
            }
        }
    }

    /** Steps share a stage only in the parallel flow; otherwise each step is its own stage. */
    private int stageOf(int step) {
        return flow == Flow.PARALLEL ? saga.step(step).stage() : step;
    }

    private int lastStageIndex() {
        return flow == Flow.PARALLEL ? saga.lastStage() : saga.size() - 1;
    }

    private static Duration backoff(StepDefinition def, int attempt) {
        Duration d = def.retry().delayBefore(attempt);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
