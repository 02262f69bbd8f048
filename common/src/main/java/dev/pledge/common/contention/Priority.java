package dev.pledge.common.contention;

import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;

/**
 * An order's age in wait-die: when its first attempt began, and that attempt's id to break ties. Every retry of
 * the order carries the same priority, so an order that gave way grows older relative to newer orders and
 * cannot give way for ever.
 *
 * @param begunAt      when the order's first attempt began (the coordinator's clock)
 * @param firstAttempt the id of the order's first attempt
 */
public record Priority(Instant begunAt, UUID firstAttempt) implements Comparable<Priority> {
    private static final Comparator<Priority> OLDEST_FIRST = Comparator.comparing(Priority::begunAt)
            .thenComparing(p -> p.firstAttempt().toString());

    public Priority {
        if (begunAt == null || firstAttempt == null) {
            throw new IllegalArgumentException("a priority needs begunAt and firstAttempt");
        }
    }

    /** Older orders sort first. */
    @Override
    public int compareTo(Priority other) {
        return OLDEST_FIRST.compare(this, other);
    }

    public boolean olderThan(Priority other) {
        return compareTo(other) < 0;
    }
}
