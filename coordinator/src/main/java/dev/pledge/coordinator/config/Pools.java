package dev.pledge.coordinator.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;

import io.opentelemetry.context.Context;

/**
 * The coordinator's two thread pools of its own. Work that waits for other work must never share a pool
 * with it: with every thread of a pool waiting for tasks queued behind them, nothing runs again.
 * <ul>
 *   <li>{@value #CALLS}: one participant call each (a vote, a pre-commit, a decision). These tasks wait
 *       for nothing but the network, so whoever waits for them (a request thread, a recovery pass) always
 *       sees them finish;</li>
 *   <li>{@value #RECOVERY}: one recovery pass per unfinished transaction, which waits for its calls. A
 *       backlog of thousands queues here instead of taking every request thread.</li>
 * </ul>
 * Both carry the submitter's trace context into their tasks, so a participant call is traced as part of the
 * order that asked for it.
 */
public final class Pools {
    public static final String CALLS = "participant-calls";
    public static final String RECOVERY = "recovery-passes";

    @Produces
    @ApplicationScoped
    @Named(CALLS)
    ExecutorService calls(CoordinatorConfig config) {
        return Context.taskWrapping(Executors.newFixedThreadPool(config.callThreads(), named(CALLS)));
    }

    @Produces
    @ApplicationScoped
    @Named(RECOVERY)
    ExecutorService recovery(CoordinatorConfig config) {
        return Context.taskWrapping(Executors.newFixedThreadPool(config.recoveryThreads(), named(RECOVERY)));
    }

    void close(@Disposes @Named(CALLS) ExecutorService pool) {
        pool.shutdownNow();
    }

    void closeRecovery(@Disposes @Named(RECOVERY) ExecutorService pool) {
        pool.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
