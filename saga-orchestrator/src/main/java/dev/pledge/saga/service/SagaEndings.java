package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.pledge.saga.store.Tx;
import dev.pledge.saga.store.EndNotices;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Lets a request wait for a saga's end instead of polling for it ({@code GET /sagas/{id}?waitMs=N}). Several
 * orchestrator instances share one database, and the one that answers the request is often not the one that
 * takes in the saga's last reply. So the engine announces each end in the database ({@link EndNotices}), and
 * every instance listens and wakes its own waiters; the end of a saga this instance moved also wakes them
 * directly, after the commit. A woken waiter reads the database before it answers, and one that hears
 * nothing still reads it every {@link #RECHECK}, so an end announced while the listener was reconnecting,
 * or by an instance that does not announce (an older version during an upgrade), is seen late, not missed.
 */
@ApplicationScoped
public class SagaEndings {
    /** How often a waiter reads the database when it has heard of no end. */
    public static final Duration RECHECK = Duration.ofSeconds(1);

    private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final DataSource db;
    private final Duration recheck;
    private EndNotices notices;

    @Inject
    public SagaEndings(AgroalDataSource db) {
        this(db, RECHECK);
    }

    /** @param db where the ends are announced; null for none (no listening) */
    public SagaEndings(DataSource db, Duration recheck) {
        this.db = db;
        this.recheck = recheck;
    }

    void listen(@Observes StartupEvent event) {
        start("main");
    }

    /** Starts listening for the ends announced by every instance on the database. */
    public synchronized void start(String name) {
        if (notices == null && db != null) {
            notices = EndNotices.listen(db, name, this::wake, this::wakeAll);
        }
    }

    /** Lets go of the listening connection before the connection pool closes. */
    void shutdown(@Observes ShutdownEvent event) {
        stop();
    }

    @PreDestroy
    public synchronized void stop() {
        if (notices != null) {
            notices.close();
            notices = null;
        }
    }

    /** Whether ends announced by any instance from now on wake this instance's waiters. */
    public synchronized boolean listening() {
        return notices != null && notices.listening();
    }

    /** The saga has ended, in the caller's transaction: every instance's waiters wake once it commits. */
    void ended(Connection c, UUID saga) throws SQLException {
        EndNotices.send(c, saga);
        Tx.afterCommit(() -> wake(saga));
    }

    /**
     * Waits until the saga ends or {@code max} passes, whichever is first.
     *
     * @param endedAlready reads whether it has ended; asked first after the waiter is registered, so an end
     *                     that commits in between is not missed, then after each wake-up and recheck
     * @return whether it had ended when the wait stopped
     */
    public boolean await(UUID saga, Duration max, BooleanSupplier endedAlready) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        CompletableFuture<Void> woken = register(saga);
        try {
            while (!endedAlready.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                waitFor(woken, Math.min(left, recheck.toNanos()));
                if (woken.isDone()) { // listen again before the next read, so no end falls in between
                    unregister(saga, woken);
                    woken = register(saga);
                }
            }
            return true;
        } finally {
            unregister(saga, woken);
        }
    }

    /** How many requests wait for this saga now. */
    int waiters(UUID saga) {
        Set<CompletableFuture<Void>> set = waiting.get(saga);
        return set == null ? 0 : set.size();
    }

    void wake(UUID saga) {
        Set<CompletableFuture<Void>> woken = waiting.remove(saga);
        if (woken != null) {
            woken.forEach(w -> w.complete(null));
        }
    }

    /** Every waiter reads the database again: ends may have gone unheard. */
    void wakeAll() {
        waiting.keySet().forEach(this::wake);
    }

    private CompletableFuture<Void> register(UUID saga) {
        CompletableFuture<Void> w = new CompletableFuture<>();
        waiting.compute(saga, (id, set) -> {
            Set<CompletableFuture<Void>> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(w);
            return s;
        });
        return w;
    }

    private void unregister(UUID saga, CompletableFuture<Void> w) {
        waiting.computeIfPresent(saga, (id, set) -> {
            set.remove(w);
            return set.isEmpty() ? null : set;
        });
    }

    private static void waitFor(CompletableFuture<Void> woken, long nanos) throws InterruptedException {
        try {
            woken.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // time to read the database again
        } catch (ExecutionException e) {
            throw new IllegalStateException("a saga's end is never signalled with a failure", e);
        }
    }
}
