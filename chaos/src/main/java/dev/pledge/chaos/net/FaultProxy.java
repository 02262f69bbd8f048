package dev.pledge.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.pledge.stack.Sleeper;

/**
 * An HTTP proxy in front of one service that does to the messages passing through it what an unreliable
 * network does: it drops requests or responses (the caller hears nothing until its own timeout), delays
 * them, lets a later request overtake an earlier one, and delivers a request twice, at once or seconds
 * later after the answer was given. Which message meets which fault comes from a seeded {@link Random}.
 * Switched off, it passes everything through unchanged.
 */
public final class FaultProxy implements AutoCloseable {
    static {
        // the JDK server otherwise leaves Nagle's algorithm on, which costs ~40 ms per answer on loopback
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** What the proxy can do to one message. */
    public enum Fault {
        /** the request never arrives; the caller waits for its timeout */
        DROP_REQUEST,
        /** the request is handled, its answer never arrives */
        DROP_RESPONSE,
        /** the request arrives twice, back to back; the caller sees the first answer */
        DUPLICATE,
        /** the request arrives again 0.5-3 s after it was answered, as a stale retransmission would */
        LATE_DUPLICATE,
        /** the request is held 50-1,500 ms */
        DELAY,
        /** the request is held until a later request has overtaken it (at most 1 s) */
        REORDER;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** Headers the HTTP client sets itself or refuses to forward. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");
    private static final Duration REORDER_WAIT = Duration.ofSeconds(1);

    private final String name;
    private final URI target;
    private final Duration silence;
    private final double rate;
    private final List<Fault> kinds;
    private final Random random;
    private final Consumer<String> log;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(daemon("proxy-handler"));
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(daemon("proxy-replay"));
    private final HttpClient client;
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private volatile boolean active;

    /**
     * @param name    what the log calls it, e.g. the participant behind it
     * @param target  the service's base URL
     * @param rate    the share of messages that meet a fault while active, 0 to 1
     * @param kinds   the faults to choose from, each equally likely
     * @param silence how long a dropped message keeps the caller waiting before the connection closes;
     *                longer than the caller's own timeout
     * @param seed    decides which message meets which fault
     */
    public FaultProxy(String name, URI target, double rate, List<Fault> kinds, Duration silence, long seed,
            Consumer<String> log) throws IOException {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("the fault rate must be between 0 and 1, not " + rate);
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("name at least one kind of message fault");
        }
        this.name = name;
        this.target = target;
        this.rate = rate;
        this.kinds = List.copyOf(kinds);
        this.silence = silence;
        this.random = new Random(seed);
        this.log = log;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).executor(handlers).build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** The URL to give callers instead of the service's own. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether messages meet faults; when not, the proxy passes everything through. */
    public void active(boolean on) {
        this.active = on;
    }

    /** Faults injected so far, by kind. */
    public Map<Fault, Long> injected() {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long injectedTotal() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Requests that passed through, faulty or not. */
    public long messages() {
        return messages.get();
    }

    private Fault choose() {
        if (!active) {
            return null;
        }
        synchronized (random) {
            if (random.nextDouble() >= rate) {
                return null;
            }
            return kinds.get(random.nextInt(kinds.size()));
        }
    }

    private long between(long lowMs, long highMs) {
        synchronized (random) {
            return lowMs + random.nextInt((int) (highMs - lowMs + 1));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            messages.incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest request = copy(exchange, body);
            Fault fault = choose();
            if (fault != null) {
                injected.get(fault).incrementAndGet();
            }
            if (fault == Fault.DROP_REQUEST) {
                Sleeper.pause(silence); // the caller gives up first; the connection then closes unanswered
                return;
            }
            if (fault == Fault.DELAY) {
                Sleeper.pause(Duration.ofMillis(between(50, 1500)));
            } else if (fault == Fault.REORDER) {
                awaitOvertaken();
            }
            HttpResponse<byte[]> response = forward(request);
            if (fault == Fault.DUPLICATE) {
                forward(request); // the second delivery's answer goes nowhere
            } else if (fault == Fault.LATE_DUPLICATE) {
                later.schedule(() -> forward(request), between(500, 3000), TimeUnit.MILLISECONDS);
            }
            if (response == null) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            if (fault == Fault.DROP_RESPONSE) {
                Sleeper.pause(silence);
                return;
            }
            reply(exchange, response);
        } catch (RuntimeException e) {
            log.accept("  (" + name + " proxy: " + e.getMessage() + ")");
        }
    }

    /** Holds a request until a later one has been delivered (and answered), so the later one arrives first. */
    private void awaitOvertaken() {
        long seen = forwarded.get();
        long end = System.nanoTime() + REORDER_WAIT.toNanos();
        while (forwarded.get() == seen && System.nanoTime() < end) {
            Sleeper.pause(Duration.ofMillis(5));
        }
    }

    private HttpRequest copy(HttpExchange exchange, byte[] body) {
        URI uri = target.resolve(exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((header, values) -> {
            if (!HOP_BY_HOP.contains(header.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(header, v));
            }
        });
        return b.build();
    }

    /** The service's answer, or null when it could not be reached (the caller then gets a 502). */
    private HttpResponse<byte[]> forward(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet(); // delivered: a request held for reordering may follow it now
            return response;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void reply(HttpExchange exchange, HttpResponse<byte[]> response) throws IOException {
        response.headers().map().forEach((header, values) -> {
            if (!HOP_BY_HOP.contains(header.toLowerCase(Locale.ROOT)) && !header.startsWith(":")) {
                exchange.getResponseHeaders().put(header, List.copyOf(values));
            }
        });
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        later.shutdownNow();
        handlers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
