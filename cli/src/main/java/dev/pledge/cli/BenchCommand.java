package dev.pledge.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.pledge.bench.Bench;
import dev.pledge.bench.BenchSettings;
import dev.pledge.bench.Ratios;
import dev.pledge.bench.Report;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput and latency of 2PC, 3PC and sagas against the local stack, next to",
                "baselines measured in the same run on the same databases, and report each protocol as a ratio to them."},
        footer = {"", "Rows:",
                "  2pc, 3pc    orders through the coordinator (POST /orders), answered when they have ended",
                "  saga        sequential sagas through the orchestrator, until each has ended",
                "  local       (a) the same two updates as plain local commits on the two databases, over JDBC",
                "  2pc-floor   (b) the same prepares (in parallel), one coordinator log insert and the commit-prepareds,",
                "              over JDBC with no HTTP and no services; 3pc-floor adds the pre-commit round",
                "  saga-floor  (c) the saga's local commits and Kafka request/reply round trips, issued directly",
                "  narayana    (d) Narayana JTA coordinating the two databases as XA resources in one JVM",
                "Clients run closed loops: each sends an order, waits for its end, sends the next. Each order takes",
                "one unit of one of --skus bench products (fewer means more contention) from the client's own account,",
                "or from one of --accounts shared ones: --skus 1 --accounts 1 puts every order on the same two rows.",
                "Results: bench-results/<time>/results.json, results.csv, throughput and latency charts (SVG and PNG).",
                "Exit codes: 0 done, 1 an error (or orders that failed, or a row in which no order ended), 2 bad usage."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", defaultValue = "all", paramLabel = "P",
            description = "2pc, 3pc, saga or all (default ${DEFAULT-VALUE}); the baselines each one is compared with run too.")
    String protocol;

    @Option(names = "--clients", defaultValue = "8", split = ",", paramLabel = "N[,N...]",
            description = "Concurrent clients, 1-64; a list (1,8,32) runs every row at each (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--duration", defaultValue = "30s", paramLabel = "TIME",
            description = "How long each row is measured, e.g. 30s or 2m; 1s to 1h (default ${DEFAULT-VALUE}).")
    String durationText;

    @Option(names = "--warmup", defaultValue = "5s", paramLabel = "TIME",
            description = "Load before each row's measurement, not counted; 0s to 10m (default ${DEFAULT-VALUE}).")
    String warmupText;

    @Option(names = "--stack-warm-up", defaultValue = "20s", paramLabel = "TIME",
            description = "Load through each protocol of the run before anything is measured, so that services started"
                    + " just before have compiled their paths; 0s skips it; up to 10m (default ${DEFAULT-VALUE}).")
    String stackWarmupText;

    @Option(names = "--skus", defaultValue = "10", paramLabel = "K",
            description = "Products the orders spread over, 1-1000; 1 makes every order fight for one row (default ${DEFAULT-VALUE}).")
    int skus;

    @Option(names = "--accounts", paramLabel = "A",
            description = "Accounts the clients share, 1-1000 (client c pays from account c mod A); by default each client"
                    + " has its own. The protocol floors then prepare in participant order, as Pledge does by default.")
    Integer accounts;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the baselines too (default); --no-baselines measures the protocols alone.")
    boolean baselines;

    @Option(names = "--results", paramLabel = "DIR",
            description = "Where each run's directory goes (default: bench-results in the Pledge directory).")
    Path resultsDir;

    @Option(names = "--json", description = "Print the report as JSON (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> protocols = switch (protocol) {
            case "all" -> BenchSettings.PROTOCOLS;
            case "2pc", "3pc", "saga" -> List.of(protocol);
            default -> throw usage("--protocol must be 2pc, 3pc, saga or all, not '" + protocol + "'");
        };
        for (int c : clients) {
            // each client of a floor holds a connection to each database, which allow 150 and 100 prepared
            check(c >= 1 && c <= 64, "--clients must be between 1 and 64, not " + c);
        }
        check(skus >= 1 && skus <= 1000, "--skus must be between 1 and 1000, not " + skus);
        check(accounts == null || accounts >= 1 && accounts <= 1000, "--accounts must be between 1 and 1000, not " + accounts);
        Duration duration = duration("--duration", durationText, Duration.ofSeconds(1), Duration.ofHours(1));
        Duration warmup = duration("--warmup", warmupText, Duration.ZERO, Duration.ofMinutes(10));
        Duration stackWarmup = duration("--stack-warm-up", stackWarmupText, Duration.ZERO, Duration.ofMinutes(10));

        Optional<Stack> running = StackOptions.running();
        if (running.isEmpty()) {
            return Pledge.ERROR;
        }
        Stack stack = running.get();
        List<String> targets = targets(protocols);
        List<Integer> counts = clients.stream().distinct().sorted().toList();
        Path results = resultsDir != null ? resultsDir.toAbsolutePath() : stack.config().home().resolve("bench-results");
        System.err.printf("Benchmark: %s at %s client(s), %s each after %s of warm-up, over %d product(s), %s%n",
                String.join(", ", targets), counts, durationText, warmupText, skus,
                accounts == null ? "each client with its own account" : accounts + " shared account(s)");
        Bench.Result result = new Bench(stack, new BenchSettings(targets, counts, duration, warmup, skus,
                accounts == null ? 0 : accounts, results, stackWarmup), System.err).run();
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.json()));
        } else {
            Report.print(result.rows(), Ratios.at(result.rows(), result.mostClients()), result.mostClients(),
                    result.background(), System.out);
            System.out.println();
            System.out.println("Results: " + result.dir());
        }
        long failed = result.rows().stream().mapToLong(m -> m.errors()).sum();
        if (failed > 0) {
            System.err.println("error: " + failed + " order(s) failed; see the lines above");
        }
        List<String> idle = result.rows().stream().filter(m -> m.committed() + m.aborted() == 0)
                .map(m -> m.target() + " at " + m.clients() + " client(s)").toList();
        if (!idle.isEmpty()) {
            System.err.println("error: no order ended in the measured time of " + String.join(", ", idle)
                    + ": each of its orders failed or was still running at its end");
        }
        return failed > 0 || !idle.isEmpty() ? Pledge.ERROR : 0;
    }

    /** The protocols asked for, then each baseline one of them is compared with, in a fixed order. */
    private List<String> targets(List<String> protocols) {
        List<String> out = new ArrayList<>(protocols);
        if (!baselines) {
            return out;
        }
        out.add(Ratios.BASELINE);
        protocols.forEach(p -> out.add(Ratios.FLOORS.get(p)));
        if (protocols.contains("2pc")) {
            out.add(Ratios.INCUMBENT);
        }
        return out;
    }

    private Duration duration(String option, String text, Duration min, Duration max) {
        Optional<Duration> d = DurationArg.parse(text);
        check(d.isPresent(), option + " takes a number and a unit, e.g. 30s or 2m, not '" + text + "'");
        check(d.get().compareTo(min) >= 0 && d.get().compareTo(max) <= 0,
                option + " must be between " + min.toSeconds() + "s and " + max.toMinutes() + "m, not " + text);
        return d.get();
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw usage(message);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
