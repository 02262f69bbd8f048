package dev.pledge.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Loopback probes: is a port taken, does an HTTP endpoint answer 200. */
public final class Net {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Net() {
    }

    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean answers200(String url) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
            return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A port that was free a moment ago, for tests. It is taken below the kernel's ephemeral range, so no
     * outgoing connection (a Kafka client, a JDBC pool) can grab it as its local port before the server
     * that is meant to listen on it starts.
     */
    public static int freePort() {
        int below = ephemeralRangeStart();
        int lowest = Math.max(1024, below - 12_000);
        for (int tries = 0; tries < 200; tries++) {
            int port = lowest + RANDOM.nextInt(below - lowest);
            if (CLAIMED.add(port) && isFree(port)) {
                return port;
            }
        }
        throw new StackException("no free port found below " + below);
    }

    private static final java.util.Random RANDOM = new java.security.SecureRandom();
    /** Ports handed out by this JVM, never handed out twice. */
    private static final java.util.Set<Integer> CLAIMED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (32768 on Linux by default). */
    private static int ephemeralRangeStart() {
        try {
            String range = Processes.readProcFile(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
