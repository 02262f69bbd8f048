package dev.pledge.bench.targets;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.bench.BenchOrder;
import dev.pledge.bench.Target;

/**
 * Pledge itself: an order by 2PC or 3PC through the coordinator ({@code POST /orders}, answered when the
 * transaction has ended, with {@code Prefer: return=minimal}: the outcome without the timeline, as a client
 * placing orders at a rate asks for it), or a sequential saga through the orchestrator ({@code POST /sagas/orders}, then
 * {@code GET /sagas/{id}?waitMs=} until it has ended). One HTTP client for all clients, keeping its
 * connections alive.
 */
public final class HttpOrders implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String protocol;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** @param protocol 2pc, 3pc or saga; {@code baseUrl} the coordinator's, or the orchestrator's for saga */
    public HttpOrders(String protocol, String baseUrl) {
        this.protocol = protocol;
        this.baseUrl = baseUrl;
    }

    @Override
    public String name() {
        return protocol;
    }

    @Override
    public Kind kind() {
        return Kind.PROTOCOL;
    }

    @Override
    public Outcome order(BenchOrder o) throws Exception {
        String body = "{\"sku\":\"" + o.sku() + "\",\"qty\":1,\"account\":\"" + o.account() + "\",\"amount\":\""
                + o.amount().toPlainString() + "\"," + (protocol.equals("saga") ? "\"flow\":\"sequential\"}"
                : "\"protocol\":\"" + protocol + "\"}");
        String path = protocol.equals("saga") ? "/sagas/orders" : "/orders";
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(PATIENCE)
                .header("Content-Type", "application/json").header("Prefer", "return=minimal").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() >= 300) {
            return Outcome.ERROR;
        }
        JsonNode answer = JSON.readTree(started.body());
        if (protocol.equals("saga")) {
            HttpResponse<String> ended = http.send(HttpRequest.newBuilder(
                    URI.create(baseUrl + "/sagas/" + answer.path("id").asText() + "?waitMs=30000")).timeout(PATIENCE).build(),
                    HttpResponse.BodyHandlers.ofString());
            answer = JSON.readTree(ended.body());
            return switch (answer.path("status").asText()) {
                case "COMPLETED" -> Outcome.COMMITTED;
                case "COMPENSATED" -> Outcome.ABORTED;
                default -> Outcome.ERROR;
            };
        }
        return switch (answer.path("outcome").asText()) {
            case "COMMITTED" -> Outcome.COMMITTED;
            case "ABORTED" -> Outcome.ABORTED;
            default -> Outcome.ERROR;
        };
    }
}
