package dev.pledge.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;

/**
 * The comparison's reference rows: the same orders through two-phase and three-phase commit, all at once.
 * For payment-timeout the payment process is stopped (SIGSTOP) for a few seconds, longer than the
 * transaction timeout the orders give the coordinator.
 */
final class AtomicFlows {
    static final Duration PAYMENT_STOPPED = Duration.ofSeconds(3);
    private static final long TIMEOUT_MS = 2000;

    private final Stack stack;
    private final String failure;

    AtomicFlows(Stack stack, String failure) {
        this.stack = stack;
        this.failure = failure;
    }

    private record Result(JsonNode tx, long millis) {
    }

    FlowRow run(String protocol, FlowComparison.Plan plan) throws Exception {
        Balances before = Balances.read(stack, plan);
        boolean stop = failure.equals("payment-timeout");
        long pid = stack.service(Stack.PAYMENT).runningPid().orElseThrow(() -> new IllegalStateException("payment is not running"));
        ExecutorService clients = Executors.newFixedThreadPool(plan.accounts().size());
        ScheduledExecutorService resume = Executors.newSingleThreadScheduledExecutor();
        List<Result> results = new ArrayList<>();
        try {
            if (stop) {
                signal("STOP", pid);
                resume.schedule(() -> signal("CONT", pid), PAYMENT_STOPPED.toMillis(), TimeUnit.MILLISECONDS);
            }
            List<Future<Result>> pending = new ArrayList<>();
            for (String account : plan.accounts()) {
                pending.add(clients.submit(() -> {
                    long start = System.nanoTime();
                    JsonNode tx = OrderCommand.submit(stack, protocol, plan.sku(), plan.qty(), account, plan.amount(),
                            stop ? TIMEOUT_MS : null);
                    return new Result(tx, (System.nanoTime() - start) / 1_000_000);
                }));
            }
            for (Future<Result> f : pending) {
                results.add(f.get());
            }
        } finally {
            resume.shutdown();
            if (stop && !resume.awaitTermination(PAYMENT_STOPPED.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                signal("CONT", pid);
            }
            clients.shutdownNow();
        }
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        Latencies latency = new Latencies();
        Latencies inconsistent = new Latencies();
        List<Boolean> committed = new ArrayList<>();
        int votes = 0;
        for (Result r : results) {
            String outcome = r.tx().path("outcome").asText("IN_DOUBT");
            outcomes.merge(outcome, 1, Integer::sum);
            committed.add(outcome.equals("COMMITTED"));
            latency.record(r.millis());
            inconsistent.record(commitSpread(r.tx()));
            for (JsonNode b : r.tx().path("branches")) {
                votes += b.hasNonNull("vote") ? 1 : 0;
            }
        }
        List<String> problems = Balances.read(stack, plan).check(before, plan, committed);
        return new FlowRow(protocol, plan.accounts().size(), outcomes, votes, 0, 0, null, latency.p50(), latency.p99(),
                latency.max(), inconsistent.p50(), inconsistent.max(), problems.isEmpty(), problems, 0);
    }

    /**
     * How long one branch may have been committed while the other was not: from the first commit
     * acknowledgement to the last. Prepared changes are invisible, so an aborted order never disagrees.
     */
    static long commitSpread(JsonNode tx) {
        Instant first = null;
        Instant last = null;
        for (JsonNode e : tx.path("timeline")) {
            if ("RECEIVE".equals(e.path("kind").asText()) && e.path("message").asText().contains("COMMITTED")) {
                Instant at = Instant.parse(e.path("at").asText());
                first = first == null || at.isBefore(first) ? at : first;
                last = last == null || at.isAfter(last) ? at : last;
            }
        }
        return first == null ? 0 : Duration.between(first, last).toMillis();
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to payment: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
