package dev.pledge.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A benchmark's results: the table printed, and results.json and results.csv in the run's directory. */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    public static ObjectNode json(BenchSettings settings, Instant startedAt, List<Measurement> rows,
                                  Costs.Background background) {
        ObjectNode root = JSON.createObjectNode();
        root.put("startedAt", startedAt.toString());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        ObjectNode s = root.putObject("settings");
        s.set("targets", JSON.valueToTree(settings.targets()));
        s.set("clients", JSON.valueToTree(settings.clients()));
        s.put("durationS", settings.duration().toSeconds());
        s.put("warmupS", settings.warmup().toSeconds());
        s.put("stackWarmupS", settings.stackWarmup().toSeconds());
        s.put("skus", settings.skus());
        s.put("accounts", settings.accounts()); // 0: one per client
        ObjectNode idle = root.putObject("backgroundCpuMsPerSecond");
        background.cpuMsPerSecond().forEach((process, v) -> idle.put(process, round(v)));
        idle.put("total", round(background.total()));
        ArrayNode out = root.putArray("rows");
        for (Measurement m : rows) {
            ObjectNode r = out.addObject();
            r.put("target", m.target());
            r.put("kind", m.kind().name().toLowerCase(Locale.ROOT));
            r.put("clients", m.clients());
            r.put("seconds", m.seconds());
            r.put("orders", m.orders());
            r.put("committed", m.committed());
            r.put("aborted", m.aborted());
            r.put("errors", m.errors());
            r.put("throughput", round(m.throughput()));
            r.put("abortRate", round(m.abortRate() * 10000) / 10000);
            ObjectNode l = r.putObject("latencyMs");
            l.put("p50", round(m.percentileMs(50)));
            l.put("p90", round(m.percentileMs(90)));
            l.put("p99", round(m.percentileMs(99)));
            l.put("max", round(m.maxMs()));
            ObjectNode w = r.putObject("walFlushesPerOrder");
            m.costs().walFlushes().forEach((db, v) -> w.put(db, round(v)));
            w.put("total", round(m.costs().walFlushesTotal()));
            if (m.kind() == Target.Kind.PROTOCOL) {
                r.put("httpCallsPerOrder", round(m.costs().httpCalls()));
            }
            if (!m.costs().cpuMs().isEmpty()) {
                ObjectNode cpu = r.putObject("cpuMsPerOrder");
                m.costs().cpuMs().forEach((process, v) -> cpu.put(process, round(v)));
                cpu.put("total", round(m.costs().cpuMsTotal()));
            }
        }
        int most = settings.clients().stream().max(Integer::compare).orElse(1);
        root.set("ratios", JSON.valueToTree(Ratios.at(rows, most)));
        ObjectNode byClients = root.putObject("ratiosByClients");
        for (int c : settings.clients()) {
            byClients.set(Integer.toString(c), JSON.valueToTree(Ratios.at(rows, c)));
        }
        ObjectNode costsByClients = root.putObject("costRatiosByClients");
        for (int c : settings.clients()) {
            costsByClients.set(Integer.toString(c), JSON.valueToTree(Ratios.costsAt(rows, c)));
        }
        return root;
    }

    public static void writeJson(ObjectNode json, Path file) throws IOException {
        JSON.writeValue(file.toFile(), json);
    }

    public static void writeCsv(List<Measurement> rows, Path file) throws IOException {
        StringBuilder csv = new StringBuilder("target,kind,clients,seconds,orders,committed,aborted,errors,throughput,"
                + "abort_rate,p50_ms,p90_ms,p99_ms,max_ms,wal_flushes_per_order,coordinator_wal_flushes_per_order,"
                + "http_calls_per_order,cpu_ms_per_order\n");
        for (Measurement m : rows) {
            csv.append(String.join(",", m.target(), m.kind().name().toLowerCase(Locale.ROOT), Integer.toString(m.clients()),
                    fmt(m.seconds()), Long.toString(m.orders()), Long.toString(m.committed()), Long.toString(m.aborted()),
                    Long.toString(m.errors()), fmt(m.throughput()), fmt(m.abortRate()), fmt(m.percentileMs(50)),
                    fmt(m.percentileMs(90)), fmt(m.percentileMs(99)), fmt(m.maxMs()), fmt(m.costs().walFlushesTotal()),
                    fmt(m.costs().walFlushes().getOrDefault("coordinator", 0.0)),
                    m.kind() == Target.Kind.PROTOCOL ? fmt(m.costs().httpCalls()) : "",
                    m.costs().cpuMs().isEmpty() ? "" : fmt(m.costs().cpuMsTotal()))).append('\n');
        }
        Files.writeString(file, csv);
    }

    /** The table for a terminal: one row per target and number of clients, then the ratios. */
    public static void print(List<Measurement> rows, Map<String, Map<String, Double>> ratios, int clients,
                             Costs.Background background, PrintStream out) {
        out.printf("%n%-11s %7s %9s %7s %8s %8s %8s %8s %11s %10s %10s%n", "target", "clients", "orders/s", "aborts",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "WAL/order", "HTTP/order", "CPU ms/ord");
        for (Measurement m : rows) {
            out.printf("%-11s %7d %9.1f %6.1f%% %8.1f %8.1f %8.1f %8.1f %11.2f %10s %10s%n", m.target(), m.clients(),
                    m.throughput(), m.abortRate() * 100, m.percentileMs(50), m.percentileMs(90), m.percentileMs(99),
                    m.maxMs(), m.costs().walFlushesTotal(),
                    m.kind() == Target.Kind.PROTOCOL ? String.format("%.2f", m.costs().httpCalls()) : "-",
                    m.costs().cpuMs().isEmpty() ? "-" : String.format("%.2f", m.costs().cpuMsTotal()));
        }
        rows.stream().filter(m -> m.clients() == clients && !m.costs().cpuMs().isEmpty()).forEach(m -> out.printf(
                "%s CPU ms per order at %d clients: %s%n", m.target(), clients, m.costs().cpuMs().entrySet().stream()
                        .filter(e -> e.getValue() >= 0.005).map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                        .reduce((a, b) -> a + ", " + b).orElse("none")));
        if (background.total() > 0) {
            out.printf("Background CPU of the idle stack, taken out of every row: %.1f ms per second (%s)%n",
                    background.total(), background.cpuMsPerSecond().entrySet().stream()
                            .filter(e -> e.getValue() >= 0.05).map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                            .reduce((a, b) -> a + ", " + b).orElse("none"));
        }
        rows.stream().map(Measurement::clients).distinct().forEach(c -> Ratios.costsAt(rows, c).forEach((protocol, r) ->
                out.printf("%s at %d clients, as a multiple of its floor's: %s%n", protocol, c, r.entrySet().stream()
                        .map(e -> String.format("%s %.2fx", e.getKey().equals("cpu") ? "CPU per order" : "p50", e.getValue()))
                        .reduce((a, b) -> a + ", " + b).orElse(""))));
        if (!ratios.isEmpty()) {
            out.printf("%nThroughput ratios at %d clients (1.000 = as fast as the reference):%n", clients);
            ratios.forEach((protocol, r) -> out.printf("  %-5s %s%n", protocol, r.entrySet().stream()
                    .map(e -> String.format("%s %.3f", label(e.getKey(), protocol), e.getValue()))
                    .reduce((a, b) -> a + ", " + b).orElse("no reference measured")));
        }
    }

    private static String label(String key, String protocol) {
        return switch (key) {
            case "floor" -> "to its floor (" + Ratios.FLOORS.get(protocol) + ")";
            case "baseline" -> "to local commits";
            default -> "to Narayana";
        };
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
