package dev.pledge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;

/**
 * What a run cost besides time: WAL flushes each database forced (PostgreSQL's {@code pg_stat_wal.wal_sync},
 * one per fsync of the log, however many commits it carried), HTTP requests the services answered
 * (their {@code http_server_requests_seconds_count}, without the {@code /q/} endpoints), and the CPU time each
 * process used ({@link CpuTime}): on a machine whose cores every process shares, CPU per order is what sets
 * the throughput. Read at quiet moments
 * before and after a run, warm-up included; the difference divided by every order of the run gives the cost
 * per order. PostgreSQL 15 backends report their WAL counts at most once a second, and an idle one within
 * {@link #SETTLE}: the reading after a run waits that long.
 *
 * <p>Idle processes use CPU too (schedulers, consumers' polls, the dashboard's refresh, the settle pause).
 * That {@linkplain #measureBackground background} is measured once per run, while nothing runs, and taken out
 * of every row at its rate over the row's wall time, for protocols and baselines alike: a one-client row
 * would otherwise be mostly background.
 */
public final class Costs {
    private static final Pattern REQUESTS = Pattern.compile(
            "^http_server_requests_seconds_count\\{(.*?)\\} (\\d\\S*)", Pattern.MULTILINE); // a uri may hold {gid}
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    /**
     * Per order: forced WAL flushes in each database and in all, HTTP requests across the services, and
     * milliseconds of CPU in each process (empty where /proc cannot be read).
     */
    public record PerOrder(Map<String, Double> walFlushes, double httpCalls, Map<String, Double> cpuMs) {
        public double walFlushesTotal() {
            return walFlushes.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        public double cpuMsTotal() {
            return cpuMs.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** One reading of every counter; CPU in microseconds per process; when it was taken ({@link System#nanoTime}). */
    public record Reading(Map<String, Long> walSyncs, long httpCalls, Map<String, Long> cpuMicros, long nanos) {
    }

    /** Milliseconds of CPU each idle process uses per second of wall time. */
    public record Background(Map<String, Double> cpuMsPerSecond) {
        public static final Background NONE = new Background(Map.of());

        public double total() {
            return cpuMsPerSecond.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** How long an idle PostgreSQL backend may keep its statistics before it reports them (10 s), and a margin. */
    public static final Duration SETTLE = Duration.ofMillis(11_000);

    private final Databases dbs;
    private final List<String> serviceUrls;
    private final java.util.function.Supplier<Map<String, Long>> cpu;
    private Background background = Background.NONE;

    public Costs(Databases dbs, List<String> serviceUrls, java.util.function.Supplier<Map<String, Long>> cpu) {
        this.dbs = dbs;
        this.serviceUrls = serviceUrls;
        this.cpu = cpu;
    }

    public Reading read() throws Exception {
        Map<String, Long> syncs = new LinkedHashMap<>();
        for (Db db : Db.values()) {
            syncs.put(db.name().toLowerCase(java.util.Locale.ROOT), walSyncs(dbs.connect(db)));
        }
        long calls = 0;
        for (String url : serviceUrls) {
            calls += httpCalls(url);
        }
        return new Reading(syncs, calls, cpu.get(), System.nanoTime());
    }

    /** What {@link #measureBackground} found, or nothing yet. */
    public Background background() {
        return background;
    }

    /**
     * Reads every process's CPU, waits {@code quiet} with nothing running, and reads again; the rates found are
     * taken out of every row measured after.
     */
    public Background measureBackground(java.time.Duration quiet) throws InterruptedException {
        Map<String, Long> before = cpu.get();
        long start = System.nanoTime();
        Thread.sleep(quiet.toMillis());
        Map<String, Long> after = cpu.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> rates = new LinkedHashMap<>();
        before.forEach((process, b) -> {
            Long a = after.get(process);
            if (a != null && a >= b) {
                rates.put(process, (a - b) / 1000.0 / seconds);
            }
        });
        background = new Background(rates);
        return background;
    }

    /**
     * Costs per order between two readings; each process's CPU less its background rate over the time
     * between the readings (never below 0).
     */
    public static PerOrder between(Reading before, Reading after, long orders, Background background) {
        Map<String, Double> flushes = new LinkedHashMap<>();
        double n = Math.max(1, orders);
        double seconds = Math.max(0, after.nanos() - before.nanos()) / 1e9;
        before.walSyncs().forEach((db, b) -> flushes.put(db, (after.walSyncs().get(db) - b) / n));
        Map<String, Double> cpuMs = new LinkedHashMap<>();
        before.cpuMicros().forEach((process, b) -> {
            Long a = after.cpuMicros().get(process);
            if (a != null && a >= b) { // a process restarted meanwhile has no comparable figure
                double idleMs = background.cpuMsPerSecond().getOrDefault(process, 0.0) * seconds;
                cpuMs.put(process, Math.max(0, (a - b) / 1000.0 - idleMs) / n);
            }
        });
        return new PerOrder(flushes, (after.httpCalls() - before.httpCalls()) / n, cpuMs);
    }

    /** Whether the databases flush their WAL to disk at all; with fsync off there is nothing to count. */
    public boolean fsync() throws SQLException {
        try (Connection c = dbs.connect(Db.INVENTORY); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW fsync")) {
            rs.next();
            return "on".equals(rs.getString(1));
        }
    }

    private static long walSyncs(Connection c) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT wal_sync FROM pg_stat_wal")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Requests a service answered, from its metrics text, leaving out its {@code /q/} endpoints. */
    static long requestsIn(String metricsText) {
        long calls = 0;
        Matcher m = REQUESTS.matcher(metricsText);
        while (m.find()) {
            if (!m.group(1).contains("uri=\"/q/")) {
                calls += (long) Double.parseDouble(m.group(2));
            }
        }
        return calls;
    }

    private static long httpCalls(String baseUrl) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(baseUrl + "/q/metrics answered " + r.statusCode() + ": HTTP calls cannot be counted");
        }
        return requestsIn(r.body());
    }
}
