package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

import dev.pledge.chaos.check.CheckResult;
import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Snapshot;
import dev.pledge.chaos.history.History;
import dev.pledge.chaos.history.Op;
import dev.pledge.chaos.workload.Load;
import dev.pledge.chaos.workload.Orders;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * The check rounds every campaign runs, and what they add up to. A round waits for quiet and takes a
 * baseline, runs the load while the campaign injects its faults, stops the load, waits for quiet again
 * and has the checker compare the two readings and the round's history.
 */
final class Rounds {
    private static final Duration RESOLVE_PATIENCE = Duration.ofSeconds(90);

    /** A campaign's faults for one round, injected while the load runs. */
    interface Faulting {
        /** @return how many faults were injected */
        int inject(Round round) throws Exception;
    }

    /** One round under way: its number, the faults at hand, and the load running meanwhile. */
    record Round(int number, Faults faults, Load load, Orders orders) {
    }

    /**
     * What a round's clients do, and whether a split across the cut is the round's expected finding (3PC
     * under a partition and a coordinator crash) rather than a failure: it is then counted, not reported.
     */
    record Plan(List<String> protocols, int clients, boolean splitsExpected) {
    }

    private final Stack stack;
    private final Settings settings;
    private final Consumer<String> progress;
    private final Histogram resolve = new Histogram(3_600_000L, 3);
    private final List<String> problems = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private int rounds;
    private long transactions;
    private long committed;
    private long aborted;
    private int injected;
    private int atomicity;
    private int conservation;
    private int inDoubt;

    Rounds(Stack stack, Settings settings, Consumer<String> progress) {
        this.stack = stack;
        this.settings = settings;
        this.progress = progress;
    }

    /** Runs every round of the settings, with the settings' clients and protocols. */
    Rounds runAll(Faulting faulting) throws Exception {
        for (int round = 1; round <= settings.rounds(); round++) {
            run(round, new Plan(settings.protocols(), settings.clients(), false), faulting);
        }
        return this;
    }

    /** One round: quiet and a baseline, load with faults, quiet again, and the check. */
    CheckResult run(int round, Plan plan, Faulting faulting) throws Exception {
        Databases db = Databases.of(stack);
        progress.accept("round " + round + ": waiting for quiet before the baseline");
        Snapshot before = Checker.awaitQuiet(db, settings.quiet(), progress);
        History history = new History();
        Orders orders = new Orders(stack.service(Stack.COORDINATOR).baseUrl(),
                stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl(), history, Duration.ofSeconds(60));
        Load load = new Load(orders, plan.protocols(), plan.clients(), settings.seed() + round, settings.hotRows());
        load.start();
        Faults faults = new Faults(stack, progress);
        try {
            injected += faulting.inject(new Round(round, faults, load, orders));
            Sleeper.pause(Duration.ofSeconds(1));
        } finally {
            load.stop();
            faults.reviveAll(); // whatever happened, the stack is left running
        }
        long placed = history.count(Op.Type.INVOKE);
        progress.accept("round " + round + ": load stopped after " + placed + " orders; waiting for quiet");
        Snapshot after = Checker.awaitQuiet(db, settings.quiet(), progress);
        history.save(settings.output().resolve("history-" + settings.seed() + "-round-" + round + ".jsonl"));
        CheckResult result = Checker.check(before, after, history);
        rounds++;
        transactions += placed;
        committed += result.committed();
        aborted += result.aborted();
        atomicity += result.atomicity().size();
        conservation += result.conservation().size();
        inDoubt += result.inDoubtCount();
        // only a split between the cut's two sides (inventory, payment) is 3PC's expected finding here; any other
        // atomicity problem fails the campaign like everywhere else
        result.problems().stream().filter(p -> !(plan.splitsExpected() && result.splits().contains(p)))
                .forEach(p -> problems.add("round " + round + ": " + p));
        progress.accept("round " + round + ": " + result.committed() + " committed, " + result.aborted() + " aborted, "
                + (result.ok() ? "every invariant holds"
                        : result.problems().size() + " problems" + (plan.splitsExpected()
                                && result.splits().size() == result.problems().size()
                                ? " (split outcomes across the cut, as expected here)" : "")));
        return result;
    }

    /** Something the campaign found and reports beside the row: not a failure. */
    void finding(String line) {
        findings.add(line);
        progress.accept(line);
    }

    /** Something that must not happen: the campaign fails. */
    void problem(String line) {
        problems.add(line);
        progress.accept("PROBLEM: " + line);
    }

    /**
     * Restarts a component a fault took down and records how long what it left in doubt took to end.
     */
    void restartAndMeasure(Faults faults, String component, String fault) throws Exception {
        faults.restart(component);
        measure(fault, "the restart");
    }

    /** Records how long what is in doubt now takes to end, from now (a restart, a healed partition). */
    void measure(String fault, String since) throws Exception {
        long ms = timeToResolve(Databases.of(stack));
        if (ms >= 0) {
            resolve.recordValue(ms);
        }
        progress.accept("  " + fault + ": what it left in doubt ended "
                + (ms < 0 ? "not within " + RESOLVE_PATIENCE.toSeconds() + " s" : ms + " ms") + " after " + since);
    }

    CampaignRow row(Campaign.Name name) {
        boolean measured = resolve.getTotalCount() > 0;
        return new CampaignRow(name.label(), settings.seed(), rounds, transactions, injected, committed,
                aborted, atomicity, conservation, inDoubt, measured ? resolve.getValueAtPercentile(50) : -1,
                measured ? resolve.getValueAtPercentile(99) : -1, measured ? resolve.getMaxValue() : -1, problems,
                findings);
    }

    /** Sleeps until a moment on {@link System#nanoTime()}'s clock; returns at once when it has passed. */
    static void sleepUntil(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Sleeper.pause(Duration.ofNanos(left));
        }
    }

    /** A pause of 1-3 s between faults, as the seed decides. */
    static Duration spacing(java.util.Random random) {
        return Duration.ofMillis(1000 + random.nextInt(2000));
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
