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
 * The coordinator's thread pool of its own, {@value #RECOVERY}: one recovery pass per unfinished transaction,
 * which waits for its participant calls (those are answered on the HTTP client's event loop, never in this
 * pool). A backlog of thousands queues here instead of taking every request thread. It carries the submitter's
 * trace context into its tasks, so a pass's calls are traced as part of the order they finish.
 */
public final class Pools {
    public static final String RECOVERY = "recovery-passes";

    @Produces
    @ApplicationScoped
    @Named(RECOVERY)
    ExecutorService recovery(CoordinatorConfig config) {
        return Context.taskWrapping(Executors.newFixedThreadPool(config.recoveryThreads(), named(RECOVERY)));
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
