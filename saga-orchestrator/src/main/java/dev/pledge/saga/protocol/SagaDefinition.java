package dev.pledge.saga.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A saga as a list of steps, written so it reads like its diagram:
 *
 * <pre>
 * SagaDefinition.named("order")
 *     .step("reserve-stock").invoke("inventory", "reserve").compensateWith("release")
 *         .retry(3, Duration.ofMillis(200)).timeout(Duration.ofSeconds(5))
 *     .step("charge-payment").invoke("payment", "charge").compensateWith("refund").alongsidePrevious()
 *     .step("confirm").invoke("inventory", "confirm")
 *     .build();
 * </pre>
 *
 * A step marked {@code alongsidePrevious()} does not depend on the step before it, so a parallel flow runs
 * the two at the same time; a sequential flow still runs them one after the other.
 */
public record SagaDefinition(String name, List<StepDefinition> steps, Duration forwardDeadline) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_FORWARD_DEADLINE = Duration.ofSeconds(30);

    public SagaDefinition {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a saga has at least one step");
        }
        steps = List.copyOf(steps);
    }

    /** The stage of the last step: steps of one stage may run at the same time. */
    public int lastStage() {
        return steps.get(steps.size() - 1).stage();
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public StepDefinition step(int index) {
        return steps.get(index);
    }

    public int size() {
        return steps.size();
    }

    /** The position of the step of this name, or -1 when the saga has none. */
    public int indexOf(String stepName) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(stepName)) {
                return i;
            }
        }
        return -1;
    }

    /** Builds a definition step by step; each step needs {@code invoke}, the rest has defaults. */
    public static final class Builder {
        private final String name;
        private final List<StepDefinition> steps = new ArrayList<>();
        private String stepName;
        private String participant;
        private String action;
        private String compensation;
        private RetryPolicy retry = RetryPolicy.once();
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean alongside;
        private Duration forwardDeadline = DEFAULT_FORWARD_DEADLINE;

        private Builder(String name) {
            this.name = name;
        }

        public Builder step(String name) {
            flush();
            this.stepName = name;
            return this;
        }

        public Builder invoke(String participant, String action) {
            this.participant = participant;
            this.action = action;
            return this;
        }

        /** The command, on the same participant, that undoes this step. */
        public Builder compensateWith(String compensation) {
            this.compensation = compensation;
            return this;
        }

        public Builder retry(int maxAttempts, Duration backoff) {
            this.retry = new RetryPolicy(maxAttempts, backoff);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** This step does not need the previous one: a parallel flow runs them at the same time. */
        public Builder alongsidePrevious() {
            this.alongside = true;
            return this;
        }

        /** Under forward recovery, how long a failing step is retried before the saga is compensated. */
        public Builder forwardRecoveryWithin(Duration deadline) {
            this.forwardDeadline = deadline;
            return this;
        }

        public SagaDefinition build() {
            flush();
            return new SagaDefinition(name, steps, forwardDeadline);
        }

        private void flush() {
            if (stepName == null) {
                return;
            }
            if (participant == null || action == null) {
                throw new IllegalStateException("step " + stepName + " has no invoke(participant, action)");
            }
            int stage = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).stage() + (alongside ? 0 : 1);
            steps.add(new StepDefinition(stepName, participant, action, Optional.ofNullable(compensation), retry, timeout,
                    stage));
            stepName = null;
            participant = null;
            action = null;
            compensation = null;
            retry = RetryPolicy.once();
            timeout = DEFAULT_TIMEOUT;
            alongside = false;
        }
    }
}
