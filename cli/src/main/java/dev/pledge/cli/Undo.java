package dev.pledge.cli;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a command must put back if it is interrupted (Ctrl-C): an armed crash point, a halted service, a probe
 * branch left prepared. Each step is registered when the change is made and dropped once it has been put
 * back normally. On Ctrl-C a JVM shutdown hook interrupts the thread doing the work, waits until that thread
 * has {@linkplain #settle() settled} (so the two never change the same thing at once), then runs the steps
 * still registered, newest first.
 */
final class Undo {
    /** One thing to put back. */
    interface Step {
        void run() throws Exception;
    }

    private record Entry(String what, Step step) {
    }

    /** How long the hook waits for the working thread to stop before it puts things back anyway. */
    private static final long SETTLE_SECONDS = 20;

    private final Deque<Entry> pending = new ArrayDeque<>();
    private final PrintStream out;
    private final Thread worker = Thread.currentThread();
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean interrupted;

    private Undo(PrintStream out) {
        this.out = out;
    }

    /**
     * An undo list for the calling thread's work, whose steps run when the JVM is stopped (Ctrl-C) before they
     * were dropped. The caller must call {@link #settle()} when its work ends, normally or not.
     */
    static Undo onInterrupt(PrintStream out) {
        Undo undo = new Undo(out);
        Runtime.getRuntime().addShutdownHook(new Thread(undo::interruptAndRunPending, "pledge-undo"));
        return undo;
    }

    /** An undo list with no shutdown hook, for tests: its steps run only through {@link #putBack}. */
    static Undo forTest(PrintStream out) {
        return new Undo(out);
    }

    /** The working thread has stopped changing things (it finished, failed, or gave up after an interrupt). */
    void settle() {
        settled.countDown();
    }

    /** Whether Ctrl-C stopped the work: the caller should stop, not go on to its next step. */
    boolean interrupted() {
        return interrupted;
    }

    /** Registers a step; {@link #done} drops it once the change has been put back normally. */
    synchronized Object add(String what, Step step) {
        Entry e = new Entry(what, step);
        pending.push(e);
        return e;
    }

    synchronized void done(Object token) {
        pending.remove(token);
    }

    private void interruptAndRunPending() {
        interrupted = true;
        if (settled.getCount() > 0) {
            worker.interrupt();
            try {
                settled.await(SETTLE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        putBack("Interrupted");
    }

    /**
     * Puts back everything still registered, newest first, under a heading that says why (the work stopped on
     * an error, or was interrupted). Nothing is printed when nothing is registered.
     */
    void putBack(String why) {
        Deque<Entry> steps;
        synchronized (this) {
            steps = new ArrayDeque<>(pending);
            pending.clear();
        }
        if (steps.isEmpty()) {
            return;
        }
        out.println();
        out.println(why + ": putting back what was changed");
        for (Iterator<Entry> it = steps.iterator(); it.hasNext();) {
            Entry e = it.next();
            try {
                e.step().run();
                out.println("  " + e.what() + ": done");
            } catch (Exception failed) {
                out.println("  " + e.what() + ": FAILED (" + failed.getMessage() + ")");
            }
        }
        out.flush();
    }
}
