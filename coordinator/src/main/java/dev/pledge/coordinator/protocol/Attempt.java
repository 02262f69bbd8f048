package dev.pledge.coordinator.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;

/**
 * One attempt at a client's order. Each attempt is a global transaction of its own, with its own id, log record
 * and branches; an order whose attempt aborted only because of lock conflicts is tried again as a new attempt,
 * which keeps the order's begin time (its wait-die priority) and gets what is left of the order's timeout.
 *
 * @param id       this attempt's transaction id
 * @param number   1 for the first attempt
 * @param first    the first attempt's id: the order's id, under which its idempotency key is kept
 * @param previous the attempt before this one, or null
 * @param begunAt  when the order's first attempt began
 * @param timeout  how long this attempt's votes may take: what is left of the order's timeout
 * @param policy   how its prepares treat rows other branches hold
 */
public record Attempt(UUID id, int number, UUID first, UUID previous, Instant begunAt, Duration timeout, LockPolicy policy) {

    public static Attempt first(UUID id, Instant begunAt, Duration timeout, LockPolicy policy) {
        return new Attempt(id, 1, id, null, begunAt, timeout, policy);
    }

    /** The next attempt, with what is left of the order's time. */
    public Attempt next(UUID nextId, Duration left) {
        return new Attempt(nextId, number + 1, first, id, begunAt, left, policy);
    }

    /** The order's age in wait-die, the same for every attempt. */
    public Priority priority() {
        return new Priority(begunAt, first);
    }
}
