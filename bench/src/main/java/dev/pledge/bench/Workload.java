package dev.pledge.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop clients: each sends an order, waits for its end, and sends the next, for the warm-up and then
 * for the measured duration. Only orders that start after the warm-up count for throughput and latency; a
 * failed order counts as an error, not as a latency, whenever it started. Costs are read before the clients start and once the
 * target is closed and the databases have reported, and divided by every order of the run. Product
 * {@code i % skus} and the client's own account, so the number of products sets the contention. The
 * target is closed here. With {@code accounts} given, client {@code c} pays from account {@code c % accounts}:
 * one product and one account put every order on the same two rows.
 */
public final class Workload {
    private static final long HIGHEST_US = Duration.ofMinutes(2).toNanos() / 1000;
    /** A client still in an order this long after the end is stuck: the run ends without it. */
    private static final Duration STUCK = Duration.ofSeconds(60);

    private final int skus;
    private final int accounts;
    private final PrintStream progress;

    /** @param accounts accounts the clients share, or 0 for one account per client */
    public Workload(int skus, int accounts, PrintStream progress) {
        this.skus = skus;
        this.accounts = accounts;
        this.progress = progress;
    }

    public Measurement run(Target target, int clients, Duration warmup, Duration duration, Costs costs) throws Exception {
        Recorder recorder = new Recorder(HIGHEST_US, 3);
        AtomicLong committed = new AtomicLong();
        AtomicLong aborted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        AtomicLong everyOrder = new AtomicLong(); // warm-up included: what the costs are divided by
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        // set once the costs are read at the start of the measurement: only orders begun after it count
        AtomicBoolean counting = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < clients; c++) {
            String account = BenchData.account(accounts == 0 ? c : c % accounts);
            Thread t = new Thread(() -> {
                while (true) {
                    boolean counted = counting.get();
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        return;
                    }
                    long n = sequence.getAndIncrement();
                    BenchOrder order = new BenchOrder(UUID.randomUUID().toString(), BenchData.sku((int) (n % skus)),
                            account, BenchOrder.AMOUNT);
                    Target.Outcome outcome;
                    try {
                        outcome = target.order(order);
                    } catch (Exception | Error e) {
                        outcome = Target.Outcome.ERROR;
                        if (failures.size() < 5) {
                            failures.add(e);
                        }
                    }
                    everyOrder.incrementAndGet();
                    switch (tally(counted, outcome)) {
                        case ERROR -> errors.incrementAndGet();
                        case MEASURED -> {
                            recorder.recordValue(Math.min(HIGHEST_US, (System.nanoTime() - t0) / 1000));
                            (outcome == Target.Outcome.COMMITTED ? committed : aborted).incrementAndGet();
                        }
                        case WARM_UP -> { }
                    }
                }
            }, "bench-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        Costs.Reading before = costs.read(); // quiet: the previous row settled
        threads.forEach(Thread::start);
        Progress bar = new Progress(progress, target.name(), clients, warmup, duration);
        boolean measuring = false;
        long countedFrom = end;
        long deadline = end + STUCK.toNanos();
        Histogram total = new Histogram(HIGHEST_US, 3);
        while (threads.stream().anyMatch(Thread::isAlive)) {
            long now = System.nanoTime();
            Thread.sleep(measuring ? 250 : Math.max(1, Math.min(250, (measureFrom - now) / 1_000_000)));
            now = System.nanoTime();
            if (!measuring && now >= measureFrom) {
                measuring = true;
                countedFrom = System.nanoTime();
                counting.set(true);
            }
            if (now > deadline) {
                long stuck = threads.stream().filter(Thread::isAlive).count();
                progress.println("  " + target.name() + ": " + stuck + " client(s) still waiting " + STUCK.toSeconds()
                        + " s after the end; counted as errors");
                errors.addAndGet(stuck);
                break;
            }
            if (measuring) {
                total.add(recorder.getIntervalHistogram());
            }
            bar.update(now - start, committed.get() + aborted.get(), errors.get(),
                    total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(99) / 1000.0);
        }
        total.add(recorder.getIntervalHistogram());
        // the row's counts as of now: a client left stuck above, if its order fails later, is not counted twice
        long committedInRow = committed.get();
        long abortedInRow = aborted.get();
        long errorsInRow = errors.get();
        bar.done();
        target.close(); // its connections report their statistics as they end
        Thread.sleep(Costs.SETTLE.toMillis());
        Costs.Reading after = costs.read();
        for (Throwable f : failures) {
            progress.println("  " + target.name() + ": an order failed: " + f);
        }
        return new Measurement(target.name(), target.kind(), clients, Math.max(0, end - countedFrom) / 1e9, committedInRow,
                abortedInRow, errorsInRow, total, Costs.between(before, after, everyOrder.get(), costs.background()));
    }

    /**
     * Runs orders through the target for {@code duration}, measuring nothing: a fresh service's JIT compiles its
     * hot paths under load, and a row measured before that pays for the compiling. Fails when no order ended
     * well, since every row after would fail too.
     *
     * @return the orders that ended, committed or aborted
     */
    public long exercise(Target target, int clients, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong ended = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong sequence = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String account = BenchData.account(accounts == 0 ? c : c % accounts);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long n = sequence.getAndIncrement();
                    try {
                        if (target.order(new BenchOrder(UUID.randomUUID().toString(), BenchData.sku((int) (n % skus)),
                                account, BenchOrder.AMOUNT)) == Target.Outcome.ERROR) {
                            failed.incrementAndGet();
                        } else {
                            ended.incrementAndGet();
                        }
                    } catch (Exception | Error e) {
                        failed.incrementAndGet();
                        if (failures.size() < 5) {
                            failures.add(e);
                        }
                    }
                }
            }, "bench-warm-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Progress bar = new Progress(progress, target.name(), clients, duration, Duration.ZERO);
        long start = System.nanoTime();
        long deadline = end + STUCK.toNanos();
        while (threads.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            bar.update(Math.min(System.nanoTime(), end) - start - 1, ended.get(), failed.get(), 0);
        }
        bar.done();
        long stuck = threads.stream().filter(Thread::isAlive).count();
        progress.println("  " + target.name() + ": " + ended.get() + " order(s) of the stack's warm-up ended, " + failed.get()
                + " failed" + (stuck > 0 ? ", " + stuck + " client(s) still waiting " + STUCK.toSeconds() + " s after its end" : ""));
        for (Throwable f : failures) {
            progress.println("  " + target.name() + ": an order of the stack's warm-up failed: " + f);
        }
        if (stuck > 0) {
            // their orders would run on into the next rows and the idle stack's reading
            throw new IllegalStateException(stuck + " client(s) of the " + target.name()
                    + " warm-up never got an answer: the stack is not answering; see the lines above");
        }
        if (ended.get() == 0) {
            throw new IllegalStateException("no " + target.name() + " order of the stack's warm-up ended ("
                    + failed.get() + " failed): the stack cannot run this protocol; see the lines above");
        }
        return ended.get();
    }

    /** Where an ended order is counted. */
    enum Tally {
        MEASURED, ERROR, WARM_UP
    }

    /**
     * A failed order is an error whenever it began: an order begun in the warm-up may hang past the end of the
     * run and fail there (clients waiting for each other across two databases), and a row of such orders must
     * not read as a clean one with no orders. A timeout or a quick failure is never a latency. Only orders
     * begun after the warm-up are measured.
     */
    static Tally tally(boolean begunAfterWarmUp, Target.Outcome outcome) {
        if (outcome == Target.Outcome.ERROR) {
            return Tally.ERROR;
        }
        return begunAfterWarmUp ? Tally.MEASURED : Tally.WARM_UP;
    }
}
