package dev.pledge.participant.contention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;
import dev.pledge.participant.contention.LockWaits.Seen;
import dev.pledge.participant.contention.WaitRule.Holder;
import dev.pledge.participant.contention.WaitRule.HolderKind;
import dev.pledge.participant.contention.WaitRule.Outcome;
import dev.pledge.participant.contention.WaitRule.Verdict;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;

/**
 * Watches the prepares running here while they wait for row locks, and ends a wait the lock policy forbids
 * ({@link WaitRule}): it cancels the prepare's statement ({@code pg_cancel_backend}) after noting why, and the
 * prepare then votes NO with that {@link Conflict}. A scan every {@code pledge.participant.lock-watch-interval}
 * (10 ms) looks at the prepares that have run longer than that: it reads {@code pg_locks} for those whose policy
 * judges what they wait for, and, under {@code wait} and {@code ordered}, only in the last
 * {@link #FULL_READS_BEFORE_DEADLINE} (or two intervals, if longer) of a prepare's time; an uncontended prepare is
 * never looked at. The same reads answer what waits for what ({@link #waits()}), for operators and the dashboard.
 */
@ApplicationScoped
public class LockWatch {
    private static final Logger LOG = Logger.getLogger(LockWatch.class);

    /** One prepare waiting, and what it waits for: an edge of the wait-for graph. */
    public record Wait(String gid, Priority priority, String policy, long waitingMs, String row, List<Holder> holders) {
    }

    /**
     * How long before a prepare's time ends the watch reads its wait in full at every scan, whatever its policy; at
     * least two scan intervals, so that some scan falls in it before the database's own lock timeout ends the wait.
     */
    static final Duration FULL_READS_BEFORE_DEADLINE = Duration.ofMillis(200);

    private final Map<String, WatchedPrepare> running = new ConcurrentHashMap<>();
    /** The priority of each branch prepared here, so that a later prepare can tell how old its holder is. */
    private final Map<String, Priority> preparedPriorities = new ConcurrentHashMap<>();
    private final AgroalDataSource db;
    private final Event<LockWaitEnded> waits;
    private final long intervalMs;
    private final long fullReadWindowNanos;
    private final LockWaits reads = new LockWaits();
    private ScheduledExecutorService scanner;
    private long lastPrune = System.nanoTime();

    public LockWatch(AgroalDataSource db, Event<LockWaitEnded> waits,
                     @ConfigProperty(name = "pledge.participant.lock-watch-interval", defaultValue = "10ms") Duration interval) {
        this.db = db;
        this.waits = waits;
        this.intervalMs = Math.max(1, interval.toMillis());
        this.fullReadWindowNanos = Math.max(FULL_READS_BEFORE_DEADLINE.toNanos(),
                TimeUnit.MILLISECONDS.toNanos(2 * intervalMs));
    }

    void start(@Observes StartupEvent event) {
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lock-watch");
            t.setDaemon(true);
            return t;
        });
        scanner.scheduleWithFixedDelay(this::scanQuietly, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (scanner != null) {
            scanner.shutdownNow();
        }
    }

    /** A prepare begins its business change on {@code backend}; it must call {@link #end} before the connection goes back. */
    public WatchedPrepare begin(String gid, int backend, LockPolicy policy, Priority priority, Duration budget) {
        WatchedPrepare r = new WatchedPrepare(gid, backend, policy, priority, budget);
        running.put(gid, r);
        return r;
    }

    /** The prepare is over (voted, or failed). A YES keeps its priority for the prepares that will wait for it. */
    public void end(WatchedPrepare r, boolean prepared) {
        running.remove(r.gid, r);
        r.over.countDown();
        if (prepared && r.priority != null) {
            preparedPriorities.put(r.gid, r.priority);
        }
        if (r.waited) {
            waits.fire(new LockWaitEnded(r.policy.label(), Duration.ofNanos(System.nanoTime() - r.startNanos)));
        }
    }

    /** The branch ended (committed or aborted): nobody waits for it any more. */
    public void ended(String gid) {
        preparedPriorities.remove(gid);
    }

    /**
     * An abort for a branch whose prepare still runs here cancels that prepare's statement, so the abort need not
     * wait for its lock. The cancel is sent while the entry is held, and the prepare removes its entry before its
     * connection goes back to the pool, so a cancel never reaches another branch's prepare on a reused connection.
     * A cancel that reaches the prepare between two statements is sent again by the next scan, and the prepare
     * checks for the abort before it prepares.
     *
     * @return whether a prepare of the branch was running
     */
    public boolean cancelForAbort(String gid) throws SQLException {
        SQLException[] failed = new SQLException[1];
        WatchedPrepare found = running.computeIfPresent(gid, (g, r) -> {
            LOG.infof("abort of %s cancels its running prepare (backend %d)", gid, r.backend);
            r.cancelledByAbort = true;
            failed[0] = cancel(r);
            return r;
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return found != null;
    }

    /** Waits until the branch's running prepare, if any, has ended; false when it still runs after {@code max}. */
    public boolean awaitEnd(String gid, Duration max) {
        WatchedPrepare r = running.get(gid);
        try {
            return r == null || r.over.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What waits for what now: every prepare here that waits for a lock, with its holders. */
    public List<Wait> waits() throws SQLException {
        List<WatchedPrepare> now = List.copyOf(running.values());
        if (now.isEmpty()) {
            return List.of();
        }
        List<Wait> waits = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            for (Seen s : reads.read(c, now, byBackend(), preparedPriorities)) {
                WatchedPrepare r = s.waiter();
                waits.add(new Wait(r.gid, r.priority, r.policy.label(), r.runningMs(), s.row(), s.holders()));
            }
        }
        return waits;
    }

    private Map<Integer, WatchedPrepare> byBackend() {
        Map<Integer, WatchedPrepare> m = new java.util.HashMap<>();
        running.values().forEach(r -> m.put(r.backend, r));
        return m;
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("lock watch scan failed: %s", e.getMessage());
        }
    }

    /**
     * One pass over the prepares running longer than a scan interval. Those whose policy judges holders, and those
     * whose time nears its end, are read in full ({@code pg_locks}: what each waits for) and ended where the policy
     * forbids the wait. The others (under {@code wait} and {@code ordered}, which only time ends) get a cheap look
     * that notes whether they wait; the full reads near the end of their time ({@link #FULL_READS_BEFORE_DEADLINE})
     * name the row and holder should their time run out.
     */
    void scan() throws SQLException {
        List<WatchedPrepare> slow = running.values().stream().filter(r -> r.runningMs() >= intervalMs).toList();
        pruneNow();
        slow.stream().filter(r -> r.cancelledByAbort).forEach(this::cancelAgain);
        if (slow.isEmpty()) {
            return;
        }
        Map<Boolean, List<WatchedPrepare>> judged = slow.stream()
                .collect(java.util.stream.Collectors.partitioningBy(r -> r.judgedNow(fullReadWindowNanos)));
        List<WatchedPrepare> readInFull = judged.get(true);
        List<WatchedPrepare> lookedAt = judged.get(false);
        try (Connection c = db.getConnection()) {
            if (!lookedAt.isEmpty()) {
                Set<Integer> waiting = reads.waitingNow(c, lookedAt);
                lookedAt.stream().filter(r -> waiting.contains(r.backend)).forEach(r -> r.waited = true);
            }
            if (readInFull.isEmpty()) {
                return;
            }
            for (Seen s : reads.read(c, readInFull, byBackend(), preparedPriorities)) {
                WatchedPrepare r = s.waiter();
                r.lastSeen = s;
                r.waited = true;
                Verdict v = WaitRule.decide(r.policy, r.priority, s.holders(), r.runningMs(), r.budgetMs());
                if (v.outcome() != Outcome.WAIT) {
                    endWait(r, s, v);
                }
            }
        }
    }

    private void endWait(WatchedPrepare r, Seen s, Verdict v) {
        Holder h = s.holders().stream().filter(x -> x.kind() != HolderKind.SESSION).findFirst()
                .orElse(s.holders().isEmpty() ? null : s.holders().get(0));
        Conflict why = new Conflict(v.outcome(), s.row(), h == null ? null : LockWaits.name(h), h == null ? null : h.kind(),
                h == null ? null : h.heldMs(), r.runningMs(), r.policy.label(), v.rule());
        running.computeIfPresent(r.gid, (g, same) -> {
            if (same == r && r.verdict == null && !r.cancelledByAbort) {
                r.verdict = why;
                SQLException failed = cancel(r);
                if (failed != null) {
                    LOG.warnf("could not cancel the prepare of %s: %s", r.gid, failed.getMessage());
                }
            }
            return same;
        });
    }

    /**
     * An abort's cancel that reached the prepare between two statements cancelled nothing, and the prepare may now
     * wait for a lock: cancel again while it runs (under its entry, as ever).
     */
    private void cancelAgain(WatchedPrepare r) {
        running.computeIfPresent(r.gid, (g, same) -> {
            if (same == r) {
                cancel(r);
            }
            return same;
        });
    }

    private SQLException cancel(WatchedPrepare r) {
        try (Connection c = db.getConnection(); var ps = c.prepareStatement("SELECT pg_cancel_backend(?)")) {
            ps.setInt(1, r.backend);
            ps.execute();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    /** Forgets, once a minute, the priorities of branches that have ended without this process seeing it. */
    private void pruneNow() throws SQLException {
        if (System.nanoTime() - lastPrune < TimeUnit.MINUTES.toNanos(1) || preparedPriorities.isEmpty()) {
            return;
        }
        lastPrune = System.nanoTime();
        try (Connection c = db.getConnection()) {
            preparedPriorities.keySet().retainAll(reads.preparedGids(c));
        }
    }
}
