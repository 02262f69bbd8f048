package dev.pledge.saga.protocol;

import java.time.Duration;
import java.util.Optional;

/**
 * One step of a saga: the command its participant runs, the command that undoes it (if any), how often it
 * is retried, how long one attempt may take, and its stage (steps of one stage may run at the same time).
 */
public record StepDefinition(String name, String participant, String action, Optional<String> compensation,
                             RetryPolicy retry, Duration timeout, int stage) {

    public boolean compensable() {
        return compensation.isPresent();
    }
}
