package dev.pledge.common.kafka;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The thread an outbox relay publishes on. A {@linkplain #kick() kick} after a commit queues one pass; kicks
 * that arrive while a pass is queued join it, so a burst of commits costs one pass that publishes all their
 * rows together, and the thread that committed never waits for the broker. A kick during a pass queues the
 * next one, which finds what the running pass missed.
 */
public final class RelayThread implements AutoCloseable {
    private final Runnable pass;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService thread;

    /** @param pass one publishing pass; it must catch its own failures (the next kick or sweep tries again) */
    public RelayThread(String name, Runnable pass) {
        this.pass = pass;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a pass unless one is queued already. */
    public void kick() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(this::run);
            } catch (RejectedExecutionException stopping) {
                // the service is stopping: its rows go out with the first sweep after the next start
            }
        }
    }

    /** Runs a pass after {@code millis}, for a row that falls due then. */
    public void after(long millis) {
        try {
            thread.schedule(this::run, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // as for a kick
        }
    }

    private void run() {
        queued.set(false);
        pass.run();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
