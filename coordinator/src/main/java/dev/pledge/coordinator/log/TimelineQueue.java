package dev.pledge.coordinator.log;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline's queue between the threads that add entries and the one thread that writes them. The
 * writer {@linkplain #take takes} a batch once the oldest entry has waited the linger, or a batch is full, or
 * someone is {@linkplain #awaitWritten waiting} for what was added so far: so a busy coordinator writes the
 * entries of many transactions in one commit, a quiet one gathers a transaction's entries into one or two,
 * and a client that must see its timeline never waits out the linger. When the database is away the queue
 * holds at most {@code max} entries and drops the oldest beyond that.
 *
 * @param <E> an entry
 */
final class TimelineQueue<E> {
    /** An entry and when it was queued. */
    private record Queued<E>(long seq, long at, E entry) {
    }

    private final ArrayDeque<Queued<E>> queue = new ArrayDeque<>();
    private final int batch;
    private final int max;
    private final long lingerNanos;
    private long added;
    private long taken;
    private long written;
    private long dropped;
    /** Entries up to this one go without lingering: someone waits for them. */
    private long hurryTo;
    private boolean closed;

    /**
     * @param batch  entries per batch at most
     * @param max    entries held at most; past it, the oldest are dropped
     * @param linger how long the oldest entry may wait for others to join its batch
     */
    TimelineQueue(int batch, int max, Duration linger) {
        if (batch < 1 || max < batch || linger.isNegative()) {
            throw new IllegalArgumentException("batch " + batch + ", max " + max + ", linger " + linger);
        }
        this.batch = batch;
        this.max = max;
        this.lingerNanos = linger.toNanos();
    }

    /**
     * Queues an entry; never waits.
     *
     * @return how many entries have been dropped so far, when this add dropped one; otherwise 0
     */
    synchronized long add(E entry) {
        long droppedNow = 0;
        if (queue.size() >= max) {
            queue.poll();
            droppedNow = ++dropped;
        }
        queue.add(new Queued<>(++added, System.nanoTime(), entry));
        if (queue.size() == 1 || queue.size() == batch) {
            notifyAll(); // the writer waits for a first entry, or lingers for a full batch
        }
        return droppedNow;
    }

    /**
     * The next batch, oldest first, once it is due (see the class comment); waits until then.
     *
     * @return the batch, or an empty list once the queue is closed or the thread interrupted
     */
    synchronized List<E> take() {
        try {
            while (!closed && queue.isEmpty()) {
                wait();
            }
            while (!closed && queue.size() < batch && hurryTo <= taken) {
                long left = queue.peek().at() + lingerNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait((left + 999_999) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        if (closed) {
            return List.of();
        }
        List<E> out = new ArrayList<>(Math.min(batch, queue.size()));
        while (out.size() < batch && !queue.isEmpty()) {
            Queued<E> q = queue.poll();
            taken = q.seq();
            out.add(q.entry());
        }
        return out;
    }

    /** Every entry taken so far is in the database (said only once they are). */
    synchronized void written() {
        written = Math.max(written, taken);
        notifyAll();
    }

    /**
     * Waits until every entry queued before this call is written, hurrying the writer, or the time is up. (An
     * entry dropped while the database was away counts as written once a later one is: the newest is never dropped.)
     *
     * @return true when they all are
     */
    synchronized boolean awaitWritten(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long target = added;
        if (target > hurryTo) {
            hurryTo = target;
            notifyAll(); // the writer stops lingering
        }
        try {
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                wait((left + 999_999) / 1_000_000);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Wakes the writer and the readers for good: {@link #take} returns an empty list from now on, and
     * {@link #awaitWritten} false for what is not written yet.
     */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized long dropped() {
        return dropped;
    }
}
