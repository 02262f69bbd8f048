package dev.pledge.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import dev.pledge.chaos.contention.ContentionExperiment;
import dev.pledge.chaos.contention.ContentionRow;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "contention", mixinStandardHelpOptions = true,
        description = {"Many orders on the same rows: --clients clients place --orders orders of one unit over --skus",
                "products and --accounts accounts, once per protocol and lock policy, and check the databases after",
                "each run. While the orders run, the participants' lock waits are sampled into the wait-for graph, so a",
                "distributed deadlock (a cycle of waits no single database can see) is counted as it happens. For 2PC and",
                "3PC the coordinator is restarted with each lock policy in turn (ordered, wait-die, no-wait, or wait,",
                "which lets the deadlock form) and with its own settings afterwards; sagas run as they are.",
                "Exits 0 when every run's invariants hold."})
final class ContentionCommand implements Callable<Integer> {
    static final List<String> PROTOCOLS = List.of("2pc", "3pc", "saga");

    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", defaultValue = "all", paramLabel = "P",
            description = "2pc, 3pc, saga or all (default ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--policy", paramLabel = "P", split = ",",
            description = "Lock policies for 2PC and 3PC: ordered, wait-die, no-wait, wait, or all (default ordered, the"
                    + " coordinator's default, and wait, to show the deadlock).")
    List<String> policies;

    @Option(names = "--orders", defaultValue = "200", paramLabel = "N", description = "Orders per run, 1-100000 (default ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--clients", defaultValue = "20", paramLabel = "C", description = "Concurrent clients, 1-256 (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--skus", defaultValue = "1", paramLabel = "K", description = "Products the orders share, 1-1000 (default ${DEFAULT-VALUE}).")
    int skus;

    @Option(names = "--accounts", defaultValue = "1", paramLabel = "A", description = "Accounts the orders are paid from, 1-1000 (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--stock", paramLabel = "S",
            description = "Units in stock of each product at the start of each run, 0-10000000 (default: enough for every order).")
    Integer stock;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the orders' products and accounts (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quiet-deadline", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long everything may take to resolve after a run's orders, 10-3600 (default ${DEFAULT-VALUE}).")
    int quietSeconds;

    @Option(names = "--json", description = "Print the rows as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ContentionExperiment.Settings settings = settings();
        Stack stack = StackOptions.stack();
        Consumer<String> out = json ? System.err::println : System.out::println;
        if (!json) {
            UpCommand.up(stack);
            System.out.println();
            System.out.println("Contention experiment: " + String.join(", ", settings.protocols()) + "; lock policies "
                    + String.join(", ", settings.policies()));
        } else {
            stack.up(line -> { });
        }
        List<ContentionRow> rows = new ContentionExperiment(stack, settings, out).run();
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        } else {
            print(rows);
        }
        return rows.stream().allMatch(ContentionRow::invariantsHold) ? 0 : Pledge.ERROR;
    }

    private ContentionExperiment.Settings settings() {
        String p = protocol.toLowerCase(Locale.ROOT);
        if (!p.equals("all") && !PROTOCOLS.contains(p)) {
            throw new ParameterException(spec.commandLine(), "--protocol must be 2pc, 3pc, saga or all, not '" + protocol + "'");
        }
        range("--orders", orders, 1, 100_000);
        range("--clients", clients, 1, 256);
        range("--skus", skus, 1, 1000);
        range("--accounts", accounts, 1, 1000);
        range("--quiet-deadline", quietSeconds, 10, 3600);
        int units = stock == null ? orders : stock;
        range("--stock", units, 0, 10_000_000);
        return new ContentionExperiment.Settings(p.equals("all") ? PROTOCOLS : List.of(p), policies(), orders, clients, skus,
                accounts, units, seed, Duration.ofSeconds(quietSeconds));
    }

    private List<String> policies() {
        if (policies == null || policies.isEmpty()) {
            return List.of("ordered", "wait");
        }
        LinkedHashSet<String> chosen = new LinkedHashSet<>();
        for (String given : policies) {
            String name = given.trim().toLowerCase(Locale.ROOT);
            if (name.equals("all")) {
                chosen.addAll(ContentionExperiment.POLICIES);
            } else if (ContentionExperiment.POLICIES.contains(name)) {
                chosen.add(name);
            } else {
                throw new ParameterException(spec.commandLine(), "--policy must be " + String.join(", ",
                        ContentionExperiment.POLICIES) + " or all, not '" + given + "'");
            }
        }
        return new ArrayList<>(chosen);
    }

    private void range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " must be between " + min + " and " + max + ", not " + value);
        }
    }

    private static void print(List<ContentionRow> rows) {
        System.out.println();
        System.out.printf("%-5s %-9s %9s %11s %17s %5s %7s %7s %8s %6s %7s %7s %7s %9s %s%n", "", "policy", "committed",
                "stock/funds", "conflict (gave up)", "other", "unknown", "retries", "timeouts", "cycles", "p50 ms", "p99 ms",
                "max ms", "long wait", "invariants");
        for (ContentionRow r : rows) {
            System.out.printf("%-5s %-9s %9d %11d %17s %5d %7d %7d %8d %6d %7d %7d %7d %9s %s%n", r.protocol(), r.policy(),
                    r.committed(), r.abortedForStockOrFunds(), r.abortedForConflict() + " (" + r.gaveUp() + ")",
                    r.abortedOtherwise(), r.unknown(), r.retries(), r.lockTimeouts(), r.cyclesSeen(), r.p50Ms(), r.p99Ms(),
                    r.maxMs(), r.longestWaitMs() + " ms", r.invariantsHold() ? "hold" : "VIOLATED");
            r.problems().stream().limit(5).forEach(p -> System.out.println("      " + p));
        }
        System.out.println();
        System.out.println("stock/funds: refused by the business rules (sagas: compensated); conflict: the last attempt"
                + " aborted over a lock (gave up: retry bound or the order's time reached); timeouts: prepares that waited"
                + " for a lock until their time ran out, the only way a cycle of waits ends under the wait policy; cycles:"
                + " distinct cycles of waits seen in the wait-for graph (sampled every 100 ms; under wait-die one lasts"
                + " until the younger prepare's next lock-watch scan); long wait: the longest lock wait seen.");
    }
}
