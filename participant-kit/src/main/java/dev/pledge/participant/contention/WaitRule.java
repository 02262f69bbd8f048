package dev.pledge.participant.contention;

import java.util.List;
import java.util.Optional;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;

/**
 * Whether a prepare that waits for a row lock goes on waiting: the lock policy as a pure rule, with the
 * watching and the database reads in {@link LockWatch}. A prepare gives way (votes NO, and the coordinator
 * retries the order) or times out (votes NO naming what it waited for); it never outlives its budget, which
 * is shorter than the time its caller listens for the vote.
 */
public final class WaitRule {
    private WaitRule() {
    }

    /** What holds the row a prepare waits for. */
    public enum HolderKind {
        /** a prepared branch of another global transaction: waits for nothing here, only for its decision */
        PREPARED,
        /** another prepare still running here: its transaction may be waiting elsewhere */
        PREPARING,
        /** any other local transaction (a saga step, an operator's session): it waits for no other participant */
        SESSION
    }

    /**
     * @param gid      the holder's branch, or null for a session that is not a branch
     * @param priority the holder's order's priority, or null when unknown (a branch prepared before a restart)
     * @param heldMs   how long the holder has held its branch (or, for a session, its transaction)
     * @param backend  the PostgreSQL backend running it, or null for a prepared branch (it has none)
     */
    public record Holder(String gid, HolderKind kind, Priority priority, long heldMs, Integer backend) {
        boolean isBranch() {
            return kind != HolderKind.SESSION;
        }
    }

    public enum Outcome {
        WAIT, GIVE_WAY, TIME_OUT
    }

    /** What to do now, and the rule that said so (for the vote's reason). */
    public record Verdict(Outcome outcome, String rule) {
        static final Verdict WAIT = new Verdict(Outcome.WAIT, null);
    }

    /**
     * @param me       the waiting prepare's priority, or null when its caller sent none
     * @param holders  what holds the row it waits for (empty: it is not waiting)
     * @param waitedMs how long it has been waiting
     * @param budgetMs how long it may take in all (its caller stops listening a little later)
     */
    public static Verdict decide(LockPolicy policy, Priority me, List<Holder> holders, long waitedMs, long budgetMs) {
        if (waitedMs >= budgetMs) {
            return new Verdict(Outcome.TIME_OUT, policy.label() + ": the prepare's time ran out while it waited");
        }
        Optional<Holder> branch = holders.stream().filter(Holder::isBranch).findFirst();
        if (branch.isEmpty()) {
            return Verdict.WAIT; // a local transaction waits for no other database: it ends by itself
        }
        return switch (policy) {
            case WAIT, ORDERED -> Verdict.WAIT;
            case NO_WAIT -> new Verdict(Outcome.GIVE_WAY, "no-wait: a prepare never waits for another branch's row");
            case WAIT_DIE -> waitDie(me, holders);
        };
    }

    /**
     * Whether what holds the row can end a wait under the policy. Under {@code wait} and {@code ordered} only the
     * prepare's time does, so the watch need not read their holders until that time nears.
     */
    public static boolean holdersMatter(LockPolicy policy) {
        return switch (policy) {
            case WAIT, ORDERED -> false;
            case NO_WAIT, WAIT_DIE -> true;
        };
    }

    /** Wait-die: wait only when this order is older than every branch ahead of it. */
    private static Verdict waitDie(Priority me, List<Holder> holders) {
        for (Holder h : holders) {
            if (!h.isBranch()) {
                continue;
            }
            if (me == null || h.priority() == null) {
                return new Verdict(Outcome.GIVE_WAY, "wait-die: the holder's or this order's age is unknown, so this"
                        + " prepare gives way");
            }
            if (!me.olderThan(h.priority())) {
                return new Verdict(Outcome.GIVE_WAY, "wait-die: the holder's order is older, so this younger one gives"
                        + " way");
            }
        }
        return Verdict.WAIT;
    }
}
