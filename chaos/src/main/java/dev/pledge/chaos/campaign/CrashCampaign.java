package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

import dev.pledge.chaos.check.CheckResult;
import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Snapshot;
import dev.pledge.chaos.history.History;
import dev.pledge.chaos.workload.Load;
import dev.pledge.chaos.workload.Orders;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * Process crashes under concurrent load: SIGKILL of every kind of process (the coordinator, both
 * participants, the saga orchestrator, each PostgreSQL server, the Kafka broker) and a halt at every named
 * crash point, in a seeded order at seeded moments; each is restarted, and the time until everything it
 * left in doubt has ended is measured. After each round the load stops and the checker runs.
 */
final class CrashCampaign implements Campaign {
    /** Named crash points by service, as the services declare them. */
    static final Map<String, List<String>> CRASH_POINTS = Map.of(
            Stack.COORDINATOR, List.of("before-prepare", "after-first-prepare", "after-votes", "after-decision",
                    "after-first-commit", "after-first-precommit", "after-precommits", "after-first-docommit"),
            Stack.INVENTORY, List.of("after-prepare", "before-commit", "after-saga-effect"),
            Stack.PAYMENT, List.of("after-prepare", "before-commit", "after-saga-effect"),
            Stack.SAGA_ORCHESTRATOR, List.of("after-saga-start", "after-first-step", "before-compensation",
                    "before-reply-commit"));
    static final List<String> KILL_TARGETS = List.of(Stack.COORDINATOR, Stack.INVENTORY, Stack.PAYMENT,
            Stack.SAGA_ORCHESTRATOR, Stack.PG_COORDINATOR, Stack.PG_INVENTORY, Stack.PG_PAYMENT, Stack.PG_SAGA, Stack.KAFKA);
    private static final Duration CRASH_PATIENCE = Duration.ofSeconds(10);
    private static final Duration RESOLVE_PATIENCE = Duration.ofSeconds(90);

    /** One fault: a kill of {@code target}, or a halt of {@code target} at {@code point}. */
    record Fault(String target, String point) {
        String describe() {
            return point == null ? "kill -9 " + target : target + " at " + point;
        }
    }

    /** Every fault the campaign knows, in an order the seed decides. */
    static List<Fault> schedule(long seed) {
        List<Fault> all = new ArrayList<>();
        KILL_TARGETS.forEach(t -> all.add(new Fault(t, null)));
        CRASH_POINTS.keySet().stream().sorted().forEach(s -> CRASH_POINTS.get(s).forEach(p -> all.add(new Fault(s, p))));
        Collections.shuffle(all, new Random(seed));
        return all;
    }

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Tally tally = new Tally();
        Random random = new Random(settings.seed());
        List<Fault> schedule = schedule(settings.seed());
        for (int round = 1; round <= settings.rounds(); round++) {
            runRound(stack, settings, round, schedule, random, tally, progress);
        }
        Histogram h = tally.resolve;
        boolean measured = h.getTotalCount() > 0;
        return new CampaignRow(Name.CRASH.label(), settings.seed(), settings.rounds(), tally.transactions, tally.injected,
                tally.committed, tally.aborted, tally.atomicity, tally.conservation, tally.inDoubt,
                measured ? h.getValueAtPercentile(50) : -1, measured ? h.getValueAtPercentile(99) : -1,
                measured ? h.getMaxValue() : -1, tally.problems);
    }

    /** What the rounds add up to. */
    private static final class Tally {
        final Histogram resolve = new Histogram(3_600_000L, 3);
        final List<String> problems = new ArrayList<>();
        long transactions;
        long committed;
        long aborted;
        int injected;
        int atomicity;
        int conservation;
        int inDoubt;
        int next;

        void add(int round, long placed, CheckResult result) {
            transactions += placed;
            committed += result.committed();
            aborted += result.aborted();
            atomicity += result.atomicity().size();
            conservation += result.conservation().size();
            inDoubt += result.inDoubtCount();
            result.problems().forEach(p -> problems.add("round " + round + ": " + p));
        }
    }

    private void runRound(Stack stack, Settings settings, int round, List<Fault> schedule, Random random, Tally tally,
            Consumer<String> progress) throws Exception {
        Databases db = Databases.of(stack);
        progress.accept("round " + round + "/" + settings.rounds() + ": waiting for quiet before the baseline");
        Snapshot before = Checker.awaitQuiet(db, settings.quiet(), progress);
        History history = new History();
        Orders orders = new Orders(stack.service(Stack.COORDINATOR).baseUrl(),
                stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl(), history, Duration.ofSeconds(60));
        Load load = new Load(orders, settings.protocols(), settings.clients(), settings.seed() + round);
        load.start();
        Faults faults = new Faults(stack, progress);
        try {
            for (int f = 0; f < settings.faults(); f++) {
                Sleeper.pause(Duration.ofMillis(1000 + random.nextInt(2000)));
                faults.reviveAll();
                injectAndRestart(faults, db, schedule.get(tally.next++ % schedule.size()), tally, progress);
            }
            Sleeper.pause(Duration.ofSeconds(1));
        } finally {
            load.stop();
            faults.reviveAll(); // whatever happened, the stack is left running
        }
        progress.accept("round " + round + ": load stopped after " + load.placed() + " orders; waiting for quiet");
        Snapshot after = Checker.awaitQuiet(db, settings.quiet(), progress);
        history.save(settings.output().resolve("history-" + settings.seed() + "-round-" + round + ".jsonl"));
        CheckResult result = Checker.check(before, after, history);
        tally.add(round, load.placed(), result);
        progress.accept("round " + round + ": " + result.committed() + " committed, " + result.aborted() + " aborted, "
                + (result.ok() ? "every invariant holds" : result.problems().size() + " problems"));
    }

    private static void injectAndRestart(Faults faults, Databases db, Fault fault, Tally tally,
            Consumer<String> progress) throws Exception {
        if (!inject(faults, fault)) {
            progress.accept("  " + fault.describe() + ": not reached within " + CRASH_PATIENCE.toSeconds() + " s, skipped");
            return;
        }
        tally.injected++;
        faults.restart(fault.target());
        long ms = timeToResolve(db);
        if (ms >= 0) {
            tally.resolve.recordValue(ms);
        }
        progress.accept("  " + fault.describe() + ": what it left in doubt ended "
                + (ms < 0 ? "not within " + RESOLVE_PATIENCE.toSeconds() + " s" : ms + " ms") + " after the restart");
    }

    private static boolean inject(Faults faults, Fault fault) {
        if (fault.point() == null) {
            faults.kill(fault.target());
            return true;
        }
        return faults.crashAt(fault.target(), fault.point(), CRASH_PATIENCE);
    }

    /**
     * Milliseconds until every transaction and saga unfinished right after the restart has ended, or -1
     * when they did not within the patience.
     */
    private static long timeToResolve(Databases db) throws Exception {
        long t0 = System.nanoTime();
        long end = t0 + RESOLVE_PATIENCE.toNanos();
        Set<String> pending = Checker.read(db, end).unfinished();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > end) {
                return -1;
            }
            Sleeper.pause(Duration.ofMillis(100));
            pending.retainAll(Checker.read(db, end).unfinished());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
