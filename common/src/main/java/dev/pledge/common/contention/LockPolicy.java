package dev.pledge.common.contention;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the phase that takes row locks (2PC prepare, 3PC can-commit) treats a row another branch holds. Two
 * transactions that each hold a row in one database and want the other's row in the other database wait for
 * each other for ever, and neither PostgreSQL can see it: a distributed deadlock. Every policy but
 * {@link #WAIT} makes such a cycle impossible; the coordinator's setting (ordered by default, chosen by the
 * contention experiment's figures in docs/protocol-2pc.md) is sent with every prepare, so the coordinator and its
 * participants always apply the same one.
 */
public enum LockPolicy {
    /**
     * Wait until the prepare's time runs out, whoever holds the row: today's databases' behaviour, which lets
     * a cycle form across participants and lasts until a timeout breaks it. Kept to show the deadlock.
     */
    WAIT,
    /**
     * The coordinator asks the branches one after another, in one global order of participants (by name).
     * A transaction waiting at a participant holds rows only at participants earlier in the order, so no cycle
     * can close. Costs one round trip per extra branch, contended or not.
     */
    ORDERED,
    /**
     * Wait-die (Rosenkrantz, Stearns and Lewis, 1978), ordered by the order's begin time: a prepare waits only
     * for branches of younger orders; one that finds a row held by an older order gives way at once (votes NO)
     * and is retried under its original begin time, so it becomes the oldest in time and cannot lose for ever.
     * Waits only go from older to younger, so they cannot form a cycle.
     */
    WAIT_DIE,
    /** A prepare never waits for another branch: it gives way at once and is retried. */
    NO_WAIT;

    /** The policy's name in settings and on the wire: {@code wait}, {@code ordered}, {@code wait-die}, {@code no-wait}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The policy named {@code label}; a clear error listing the names otherwise. */
    public static LockPolicy of(String label) {
        for (LockPolicy p : values()) {
            if (p.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown lock policy '" + label + "'; use one of " + labels());
    }

    public static String labels() {
        return Arrays.stream(values()).map(LockPolicy::label).collect(Collectors.joining(", "));
    }

    /** Whether the coordinator must ask the branches one at a time, in participant order. */
    public boolean sequential() {
        return this == ORDERED;
    }

    @Override
    public String toString() {
        return label();
    }
}
