package dev.pledge.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.bench.targets.HttpOrders;
import dev.pledge.bench.targets.LocalCommits;
import dev.pledge.bench.targets.NarayanaXa;
import dev.pledge.bench.targets.ProtocolFloor;
import dev.pledge.bench.targets.SagaFloor;
import dev.pledge.chaos.check.Databases;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Stack;

/**
 * Runs a benchmark against a running stack: every target at every number of clients, one after the other on
 * the same databases, then writes results.json, results.csv and the charts to a directory of the run's own.
 */
public final class Bench {
    /** How long the idle stack's CPU is measured before the first row. */
    private static final Duration BACKGROUND = Duration.ofSeconds(10);
    /** A pause between the stack's warm-up and the reading of its idle CPU. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Stack stack;
    private final BenchSettings settings;
    private final PrintStream progress;

    public Bench(Stack stack, BenchSettings settings, PrintStream progress) {
        this.stack = stack;
        this.settings = settings;
        this.progress = progress;
    }

    /** A finished run: its rows, and the report as {@code --json} prints it ({@code files} lists what was written). */
    public record Result(List<Measurement> rows, ObjectNode json, Path dir, Costs.Background background) {
        public int mostClients() {
            return rows.stream().mapToInt(Measurement::clients).max().orElse(1);
        }
    }

    public Result run() throws Exception {
        Instant started = Instant.now();
        Path dir = settings.resultsDir().resolve(STAMP.format(started));
        Files.createDirectories(dir);
        Databases dbs = Databases.of(stack);
        int most = settings.clients().stream().max(Integer::compare).orElseThrow();
        BenchData.reset(dbs, settings.skus(), settings.sharedAccounts() ? settings.accounts() : most);
        Costs costs = new Costs(dbs, List.of(url(Stack.COORDINATOR), url(Stack.INVENTORY), url(Stack.PAYMENT),
                url(Stack.SAGA_ORCHESTRATOR)), () -> CpuTime.read(stack));
        boolean fsync = costs.fsync();
        if (!fsync) {
            progress.println("warning: PostgreSQL runs with fsync off (PLEDGE_PG_FSYNC=off): commits are not flushed,"
                    + " so WAL flushes read 0 and the figures do not compare with a durable setup");
        }
        progress.println("Each row ends with a pause of " + Costs.SETTLE.toSeconds()
                + " s while the databases report their WAL counts.");
        Workload workload = new Workload(settings.skus(), settings.accounts(), progress);
        List<Measurement> rows = new ArrayList<>();
        // Narayana's transaction log: the stack's state, not the run's results
        Path narayanaStore = stack.config().stateDir().resolve("bench-narayana-object-store");
        Costs.Background background;
        try {
            warmUp(workload, dbs, Math.min(most, BenchSettings.WARM_UP_CLIENTS));
            progress.println("Measuring the idle stack's CPU for " + BACKGROUND.toSeconds()
                    + " s: it is taken out of every row's CPU per order.");
            background = costs.measureBackground(BACKGROUND);
            for (int clients : settings.clients()) {
                for (String name : settings.targets()) {
                    try (Target target = target(name, dbs, narayanaStore)) {
                        rows.add(workload.run(target, clients, settings.warmup(), settings.duration(), costs));
                    }
                }
            }
        } finally {
            BenchData.dropFloorLogs(dbs);
        }
        ObjectNode report = Report.json(settings, started, rows, background);
        ((ObjectNode) report.get("machine")).put("fsync", fsync);
        Path json = dir.resolve("results.json");
        Path csv = dir.resolve("results.csv");
        Report.writeCsv(rows, csv);
        var files = report.putArray("files");
        files.add(json.toString());
        files.add(csv.toString());
        try {
            Charts.write(rows, dir).forEach(c -> files.add(c.toString()));
        } catch (Exception | Error e) { // no fonts: the figures are still in the JSON and CSV
            progress.println("charts not drawn (" + e + "); on Debian: apt-get install fontconfig fonts-dejavu-core");
        }
        Report.writeJson(report, json);
        return new Result(rows, report, dir, background);
    }

    /**
     * Runs each protocol of the run through the services before anything is measured. A service started just
     * before still compiles its hot paths: measured at once, the first rows (one client) would count the JIT's
     * work as the protocol's, and the idle stack's CPU would count it as background. The floors run in this
     * process and have each row's own warm-up.
     */
    private void warmUp(Workload workload, Databases dbs, int clients) throws Exception {
        List<String> protocols = settings.protocols();
        if (settings.stackWarmup().isZero() || protocols.isEmpty()) {
            return;
        }
        progress.println("Warming the stack up: " + String.join(", ", protocols) + " at " + clients + " client(s), "
                + settings.stackWarmup().toSeconds() + " s each, not measured.");
        for (String name : protocols) {
            try (Target target = target(name, dbs, null)) {
                workload.exercise(target, clients, settings.stackWarmup());
            }
        }
        Thread.sleep(QUIET.toMillis()); // the last orders' relays and background writes end before the idle stack is read
    }

    private Target target(String name, Databases dbs, Path narayanaStore) throws Exception {
        return switch (name) {
            case "2pc", "3pc" -> new HttpOrders(name, url(Stack.COORDINATOR));
            case "saga" -> new HttpOrders(name, url(Stack.SAGA_ORCHESTRATOR));
            case "local" -> new LocalCommits(dbs);
            case "2pc-floor" -> new ProtocolFloor(dbs, false, settings.sharedAccounts());
            case "3pc-floor" -> new ProtocolFloor(dbs, true, settings.sharedAccounts());
            case "saga-floor" -> new SagaFloor(dbs, stack.kafka().login(KafkaLogin.OPERATOR));
            case "narayana" -> new NarayanaXa(dbs, narayanaStore);
            default -> throw new IllegalArgumentException("unknown target " + name);
        };
    }

    private String url(String service) {
        return stack.service(service).baseUrl();
    }
}
