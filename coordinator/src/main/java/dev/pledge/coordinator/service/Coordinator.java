package dev.pledge.coordinator.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.coordinator.config.ConflictRetries;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;

/**
 * Runs a client's order with the protocol asked for: one attempt, a global transaction, and as many more as
 * lock conflicts call for. An attempt that aborted only because its prepares gave way to (or timed out behind)
 * other branches' row locks is tried again as a new transaction, after a random pause, with the order's begin
 * time (its wait-die priority) and what is left of its timeout, up to {@code conflict-retries.max-attempts}.
 * Any other abort (no stock, no funds, a participant unreachable) and any commit is the order's answer.
 */
@ApplicationScoped
public class Coordinator {
    /** An attempt needs at least this long for its votes; less left, and the order stops. */
    static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(300);

    @Inject
    Driver driver;
    @Inject
    Replicas replicas;
    @Inject
    InFlight inFlight;
    @Inject
    DecisionLog log;
    @Inject
    CoordinatorMetrics metrics;
    @Inject
    CoordinatorConfig config;

    /**
     * @param key the client's idempotency key, or null
     * @return the id of the order's last attempt: the transaction whose outcome is the order's
     */
    public UUID run(Protocol protocol, List<BranchSpec> branches, Duration timeout, IdempotencyKey key) {
        if (!replicas.holdsLease()) {
            throw new ProblemException(503, "Service Unavailable", "coordinator replica " + replicas.nodeId()
                    + " cannot renew its lease in the log's database right now, so it begins no transaction; try another"
                    + " replica or again shortly");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Attempt attempt = Attempt.first(UUID.randomUUID(), Instant.now(), timeout, config.lockPolicy());
        inFlight.claim(attempt.first()); // the whole order, retries included: a repeat of its key is a 409 meanwhile
        try {
            while (true) {
                List<Decision.Vote> votes = driver.run(attempt, protocol, branches, key);
                if (!Decision.onlyConflicts(votes)) {
                    return attempt.id();
                }
                ConflictRetries retries = config.conflictRetries();
                if (attempt.number() >= retries.maxAttempts()) {
                    metrics.conflictGaveUp(protocol, "attempts");
                    log.gaveUp(attempt.id(), "not tried again: every one of its " + attempt.number()
                            + " attempts aborted over lock conflicts (pledge.coordinator.conflict-retries.max-attempts)");
                    return attempt.id();
                }
                long pauseMs = pauseMs(retries, attempt.number());
                Duration left = Duration.ofNanos(deadline - System.nanoTime()).minusMillis(pauseMs);
                if (left.compareTo(SHORTEST_ATTEMPT) < 0) {
                    metrics.conflictGaveUp(protocol, "time");
                    log.gaveUp(attempt.id(), "not tried again: the order's timeout of " + timeout.toMillis()
                            + " ms ran out after " + attempt.number() + (attempt.number() == 1 ? " attempt, aborted"
                            : " attempts, each aborted") + " over lock conflicts");
                    return attempt.id();
                }
                Attempt next = attempt.next(UUID.randomUUID(), left);
                log.retried(attempt.id(), next.id(), next.number(), pauseMs);
                metrics.conflictRetry(protocol);
                pause(pauseMs);
                attempt = next;
            }
        } finally {
            inFlight.release(attempt.first());
        }
    }

    /** Full jitter: a random pause up to the backoff doubled per attempt, capped. */
    static long pauseMs(ConflictRetries retries, int attemptsMade) {
        long ceiling = Math.min(retries.maxBackoff().toMillis(),
                retries.backoff().toMillis() << Math.min(20, attemptsMade - 1));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static void pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "Service Unavailable", "interrupted while pausing before the next attempt");
        }
    }
}
