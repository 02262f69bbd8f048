package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.CallFailures;

/**
 * The answers to participant calls sent at once, taken by the thread that sent them, one at a time in the order
 * they arrive. The calls are answered on the HTTP client's threads; what follows an answer (the timeline, a crash
 * point, the next step of the protocol) runs on the taker's thread, so one transaction's protocol runs on one
 * thread while its calls are in flight together, and a crash point's pause holds that transaction alone.
 * Answers that arrive once the taker has stopped go to the handler it left, on the thread that delivers them.
 *
 * @param <K> what names a call (the branch it went to)
 */
final class Arrivals<K> {

    /** One call's end: its reply, or what it failed with; and when it came ({@link System#nanoTime()}). */
    record Arrival<K>(K key, BranchReply reply, RuntimeException failure, long at) {
    }

    private final BlockingQueue<Arrival<K>> arrived = new LinkedBlockingQueue<>();
    private Consumer<Arrival<K>> late; // guarded by this
    private int expected;
    private int taken;

    /** Awaits this call's answer among the others. */
    void expect(K key, CompletionStage<BranchReply> call) {
        expected++;
        call.whenComplete((reply, e) -> deliver(new Arrival<>(key, reply, e == null ? null : failure(e), System.nanoTime())));
    }

    private static RuntimeException failure(Throwable e) {
        Throwable t = CallFailures.unwrapped(e);
        return t instanceof RuntimeException r ? r : new IllegalStateException("participant call failed", t);
    }

    private void deliver(Arrival<K> a) {
        Consumer<Arrival<K>> after;
        synchronized (this) {
            after = late;
            if (after == null) {
                arrived.add(a);
                return;
            }
        }
        after.accept(a);
    }

    /** Whether an expected answer has not been taken yet. */
    boolean pending() {
        return taken < expected;
    }

    /**
     * The next answer, waiting for it until the deadline ({@link System#nanoTime()}); one that has arrived is
     * taken even after the deadline.
     *
     * @return the answer, or null when none came in time or none is left to come
     */
    Arrival<K> next(long deadline) {
        return take(deadline);
    }

    /** The next answer, however long it takes (every phase-2 call ends: its retries and time-outs are bounded). */
    Arrival<K> next() {
        return take(null);
    }

    private Arrival<K> take(Long deadline) {
        if (!pending()) {
            return null;
        }
        try {
            Arrival<K> a = deadline == null ? arrived.take()
                    : arrived.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (a != null) {
                taken++;
            }
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for participants' answers", e);
        }
    }

    /**
     * Stops taking answers: those still to come go to the handler as they arrive.
     *
     * @return the answers that had arrived and were not taken
     */
    List<Arrival<K>> stop(Consumer<Arrival<K>> lateHandler) {
        List<Arrival<K>> left = new ArrayList<>();
        synchronized (this) {
            late = lateHandler;
            arrived.drainTo(left);
        }
        taken += left.size();
        return left;
    }
}
