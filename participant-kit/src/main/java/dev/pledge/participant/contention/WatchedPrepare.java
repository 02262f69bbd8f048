package dev.pledge.participant.contention;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;
import dev.pledge.participant.contention.LockWaits.Seen;
import dev.pledge.participant.contention.WaitRule.Holder;
import dev.pledge.participant.contention.WaitRule.Outcome;

/** A prepare running in this process. */
public final class WatchedPrepare {
    final String gid;
    final int backend;
    final LockPolicy policy;
    final Priority priority;
    final long startNanos;
    final long deadlineNanos;
    volatile Conflict verdict;
    volatile boolean cancelledByAbort;
    volatile Seen lastSeen;
    /** seen waiting for a lock at least once, by a full read or a look */
    volatile boolean waited;
    final java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);

    WatchedPrepare(String gid, int backend, LockPolicy policy, Priority priority, Duration budget) {
        this.gid = gid;
        this.backend = backend;
        this.policy = policy;
        this.priority = priority;
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + budget.toNanos();
    }

    long runningMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    long budgetMs() {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - startNanos);
    }

    /**
     * Whether its wait must be read in full at this scan: its policy judges holders, or its time ends within
     * {@code windowNanos}.
     */
    boolean judgedNow(long windowNanos) {
        return WaitRule.holdersMatter(policy) || deadlineNanos - System.nanoTime() <= windowNanos;
    }

    /** Whether an abort of this branch arrived while it prepared: it must not prepare. */
    public boolean abortRequested() {
        return cancelledByAbort;
    }

    /** Why the watch ended this prepare's wait, if it did. */
    public Optional<Conflict> verdict() {
        return Optional.ofNullable(verdict);
    }

    /**
     * What the prepare waited for when its own lock timeout (the backstop, a little after its budget) ended
     * the wait before a scan did.
     */
    public Conflict timedOut() {
        Seen seen = lastSeen;
        Holder h = seen == null || seen.holders().isEmpty() ? null : seen.holders().get(0);
        return new Conflict(Outcome.TIME_OUT, seen == null ? null : seen.row(), h == null ? null : LockWaits.name(h),
                h == null ? null : h.kind(), h == null ? null : h.heldMs(), runningMs(), policy.label(),
                policy.label() + ": the prepare's time ran out while it waited");
    }
}
