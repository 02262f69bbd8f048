package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackException;

/**
 * What a soak watches, every few seconds while it runs: each service's resident memory and heap in use,
 * and what is in doubt (prepared branches, unfinished transactions and sagas). Each service's heap after a
 * full collection is taken at the start and at the end ({@code jcmd PID GC.run}), the one reading of memory
 * that a leak moves and garbage does not.
 */
final class Sampler implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final List<String> SERVICES = List.of(Stack.COORDINATOR, Stack.INVENTORY, Stack.PAYMENT, Stack.SAGA_ORCHESTRATOR);
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+-]+)$",
            Pattern.MULTILINE);

    /** One reading: seconds since the start, per service RSS and heap in MB (-1 when unread), and in doubt. */
    record Sample(long second, Map<String, Long> rssMb, Map<String, Long> heapMb, int prepared, int unfinishedTx,
                  int unfinishedSagas) {
        int inDoubt() {
            return prepared + unfinishedTx + unfinishedSagas;
        }
    }

    private final Stack stack;
    private final Databases db;
    private final Consumer<String> progress;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private volatile boolean running = true;
    private final Thread thread;

    Sampler(Stack stack, Consumer<String> progress) {
        this.stack = stack;
        this.db = Databases.of(stack);
        this.progress = progress;
        this.thread = new Thread(this::loop, "soak-sampler");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    private void loop() {
        while (running) {
            Sample s = sample();
            synchronized (this) {
                samples.add(s);
            }
            progress.accept(describe(s));
            try {
                Sleeper.pause(INTERVAL);
            } catch (StackException e) {
                return; // closed
            }
        }
    }

    private Sample sample() {
        Map<String, Long> rss = new LinkedHashMap<>();
        Map<String, Long> heap = new LinkedHashMap<>();
        for (String name : SERVICES) {
            QuarkusService service = stack.service(name);
            OptionalLong pid = service.runningPid();
            rss.put(name, pid.isPresent() ? Processes.residentKilobytes(pid.getAsLong()).orElse(-1024) / 1024 : -1);
            heap.put(name, heapMb(service));
        }
        int prepared = count(Db.INVENTORY, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()")
                + count(Db.PAYMENT, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()");
        int tx = count(Db.COORDINATOR, "SELECT count(*) FROM transactions WHERE state NOT IN ('COMMITTED', 'ABORTED', 'MIXED')");
        int sagas = count(Db.SAGA, "SELECT count(*) FROM sagas WHERE state NOT IN ('COMPLETED', 'COMPENSATED')");
        return new Sample((System.nanoTime() - t0) / 1_000_000_000L, rss, heap, prepared, tx, sagas);
    }

    /** A count, or -1 while its database is down (a soak kills PostgreSQL servers too). */
    private int count(Db which, String sql) {
        try {
            return db.number(which, sql).intValue();
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Heap in use (every heap pool) from the service's Prometheus metrics, in MB; -1 when it does not answer. */
    long heapMb(QuarkusService service) {
        try {
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                return -1;
            }
            double bytes = 0;
            Matcher m = HEAP.matcher(resp.body());
            while (m.find()) {
                bytes += Double.parseDouble(m.group(1));
            }
            return Math.round(bytes / (1024 * 1024));
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Each service's heap right after a full collection, in MB (-1 when it could not be taken): jcmd, from
     * the JDK that runs the services, asks for the collection, then the metrics say what is left.
     */
    Map<String, Long> heapAfterFullGc() {
        Map<String, Long> out = new LinkedHashMap<>();
        Path jcmd = Path.of(stack.config().java()).resolveSibling("jcmd");
        for (String name : SERVICES) {
            QuarkusService service = stack.service(name);
            OptionalLong pid = service.runningPid();
            long mb = -1;
            if (pid.isPresent() && Files.isExecutable(jcmd)) {
                try {
                    Processes.run(List.of(jcmd.toString(), Long.toString(pid.getAsLong()), "GC.run"), Duration.ofSeconds(30));
                    mb = heapMb(service);
                } catch (RuntimeException e) {
                    progress.accept("  (no full collection in " + name + ": " + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
            out.put(name, mb);
        }
        return out;
    }

    /** Writes every sample as CSV. */
    void save(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("second");
        SERVICES.forEach(s -> csv.append(',').append(s).append("_rss_mb,").append(s).append("_heap_mb"));
        csv.append(",prepared,unfinished_transactions,unfinished_sagas\n");
        for (Sample s : samples()) {
            csv.append(s.second());
            SERVICES.forEach(n -> csv.append(',').append(s.rssMb().get(n)).append(',').append(s.heapMb().get(n)));
            csv.append(',').append(s.prepared()).append(',').append(s.unfinishedTx()).append(',').append(s.unfinishedSagas())
                    .append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv);
    }

    static String describe(Sample s) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  t=%4ds", s.second()));
        for (String n : SERVICES) {
            line.append(String.format(Locale.ROOT, "  %s %s/%s MB", shortName(n), mb(s.rssMb().get(n)), mb(s.heapMb().get(n))));
        }
        line.append(String.format(Locale.ROOT, "  in doubt %s prepared, %s transactions, %s sagas",
                count(s.prepared()), count(s.unfinishedTx()), count(s.unfinishedSagas())));
        return line.toString();
    }

    private static String shortName(String service) {
        return service.equals(Stack.SAGA_ORCHESTRATOR) ? "saga" : service.equals(Stack.COORDINATOR) ? "coord"
                : service.substring(0, 3);
    }

    private static String mb(long v) {
        return v < 0 ? "-" : Long.toString(v);
    }

    private static String count(int v) {
        return v < 0 ? "-" : Integer.toString(v);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
