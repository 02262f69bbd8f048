package dev.pledge.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.pledge.chaos.net.FaultProxy.Fault;

/** Each message fault, through a real proxy to a real HTTP server that records what reached it. */
class FaultProxyTest {
    private final List<String> arrived = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer backend;
    private FaultProxy proxy;

    @BeforeEach
    void backend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            arrived.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            byte[] answer = ("{\"echo\":\"" + exchange.getRequestURI().getPath() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().endsWith("/missing") ? 404 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        backend.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        backend.stop(0);
    }

    private FaultProxy proxy(Fault... kinds) throws IOException {
        proxy = new FaultProxy("test", URI.create("http://127.0.0.1:" + backend.getAddress().getPort()), 1.0,
                List.of(kinds), Duration.ofSeconds(2), 1, line -> { });
        proxy.active(true);
        return proxy;
    }

    private HttpResponse<String> post(String path, String body, Duration timeout) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(proxy.url() + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void switchedOffItPassesStatusHeadersAndBodyThrough() throws Exception {
        proxy(Fault.DROP_REQUEST).active(false);

        HttpResponse<String> ok = post("/branches/g1/prepare?x=1", "{\"a\":1}", Duration.ofSeconds(5));
        HttpResponse<String> missing = post("/branches/g1/missing", "", Duration.ofSeconds(5));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"echo\":\"/branches/g1/prepare\"}");
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(arrived).containsExactly("POST /branches/g1/prepare?x=1 {\"a\":1}", "POST /branches/g1/missing ");
        assertThat(proxy.injectedTotal()).isZero();
        assertThat(proxy.messages()).isEqualTo(2);
    }

    @Test
    void aDuplicateArrivesTwiceAndIsAnsweredOnce() throws Exception {
        proxy(Fault.DUPLICATE);

        HttpResponse<String> r = post("/branches/g2/commit", "", Duration.ofSeconds(5));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(arrived).containsExactly("POST /branches/g2/commit ", "POST /branches/g2/commit ");
        assertThat(proxy.injected()).containsEntry(Fault.DUPLICATE, 1L);
    }

    @Test
    void aLateDuplicateArrivesAgainAfterTheAnswer() throws Exception {
        proxy(Fault.LATE_DUPLICATE);

        HttpResponse<String> r = post("/branches/g3/prepare", "{}", Duration.ofSeconds(5));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(arrived).hasSize(1);

        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (arrived.size() < 2 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(arrived).containsExactly("POST /branches/g3/prepare {}", "POST /branches/g3/prepare {}");
    }

    @Test
    void aDroppedRequestNeverArrivesAndTheCallerHearsNothing() throws Exception {
        proxy(Fault.DROP_REQUEST);

        assertThatThrownBy(() -> post("/branches/g4/prepare", "{}", Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(arrived).isEmpty();
    }

    @Test
    void aDroppedResponseLeavesTheRequestHandledAndTheCallerUninformed() throws Exception {
        proxy(Fault.DROP_RESPONSE);

        assertThatThrownBy(() -> post("/branches/g5/prepare", "{}", Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(arrived).containsExactly("POST /branches/g5/prepare {}");
    }

    @Test
    void aReorderedRequestIsOvertakenByTheNextOne() throws Exception {
        proxy(Fault.REORDER);
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> call("/first"));
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (proxy.injected().get(Fault.REORDER) == 0 && System.nanoTime() < end) {
            Thread.sleep(5); // until the first request is held: a slow machine may take a while to send it
        }
        proxy.active(false);

        HttpResponse<String> second = post("/second", "", Duration.ofSeconds(5));

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(arrived).containsExactly("POST /second ", "POST /first ");
    }

    @Test
    void aDelayedRequestStillArrivesOnce() throws Exception {
        proxy(Fault.DELAY);

        HttpResponse<String> r = post("/branches/g6/abort", "", Duration.ofSeconds(5));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(arrived).containsExactly("POST /branches/g6/abort ");
        assertThat(proxy.injected()).containsEntry(Fault.DELAY, 1L);
    }

    @Test
    void anUnreachableServiceIsABadGateway() throws Exception {
        proxy(Fault.DELAY).active(false);
        backend.stop(0);

        assertThat(post("/x", "", Duration.ofSeconds(5)).statusCode()).isEqualTo(502);
    }

    private HttpResponse<String> call(String path) {
        try {
            return post(path, "", Duration.ofSeconds(5));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
