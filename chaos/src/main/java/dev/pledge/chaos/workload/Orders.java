package dev.pledge.chaos.workload;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.chaos.history.History;
import dev.pledge.chaos.history.Op;

/**
 * Places one order the way a client would, over HTTP, and records it in the history: 2PC and 3PC orders go
 * to the coordinator, sagas to the orchestrator (then followed until they end or the patience runs out).
 */
public final class Orders {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    /** How a client's failure to connect at all begins its detail. */
    public static final String REFUSED = "connection refused";
    private final String coordinatorUrl;
    private final String sagaUrl;
    private final History history;
    private final Duration patience;

    /** An order's content. */
    public record Order(String protocol, String sku, int qty, String account, BigDecimal amount) {
        String describe() {
            return sku + " x" + qty + " " + account + " " + amount.toPlainString();
        }
    }

    public Orders(String coordinatorUrl, String sagaUrl, History history, Duration patience) {
        this.coordinatorUrl = coordinatorUrl;
        this.sagaUrl = sagaUrl;
        this.history = history;
        this.patience = patience;
    }

    /** Whether the order was refused for now by a service that is down or cannot take orders yet (refused, 503). */
    public static boolean unavailable(Op op) {
        return op.detail() != null && (op.type() == Op.Type.FAIL && op.detail().startsWith(REFUSED)
                || op.detail().equals("HTTP 503"));
    }

    /** Places {@code order} as client {@code process}; returns how it completed. */
    public Op place(int process, Order order) {
        Op invoked = history.invoke(process, order.protocol(), order.describe());
        try {
            return History.isSaga(order.protocol()) ? saga(invoked, order) : atomic(invoked, order);
        } catch (java.net.ConnectException e) {
            // the connection was refused: nothing was sent, so nothing can have begun
            return history.complete(invoked, Op.Type.FAIL, null, REFUSED + ": " + e.getMessage());
        } catch (IOException e) {
            return history.complete(invoked, Op.Type.UNKNOWN, null, e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return history.complete(invoked, Op.Type.UNKNOWN, null, "interrupted");
        }
    }

    private Op atomic(Op invoked, Order order) throws IOException, InterruptedException {
        ObjectNode body = body(order).put("protocol", order.protocol());
        HttpResponse<String> resp = post(coordinatorUrl + "/orders", body);
        JsonNode view = parse(resp.body());
        String id = view.path("id").asText(null);
        if (resp.statusCode() >= 400) {
            // a 4xx was refused before anything began; a 5xx may have left a transaction behind
            return history.complete(invoked, resp.statusCode() < 500 ? Op.Type.FAIL : Op.Type.UNKNOWN, id,
                    "HTTP " + resp.statusCode());
        }
        return switch (view.path("outcome").asText()) {
            case "COMMITTED" -> history.complete(invoked, Op.Type.OK, id, "committed");
            case "ABORTED" -> history.complete(invoked, Op.Type.FAIL, id, view.path("reason").asText("aborted"));
            default -> history.complete(invoked, Op.Type.UNKNOWN, id, "in doubt");
        };
    }

    private Op saga(Op invoked, Order order) throws IOException, InterruptedException {
        ObjectNode body = body(order).put("flow", order.protocol());
        HttpResponse<String> resp = post(sagaUrl + "/sagas/orders", body);
        if (resp.statusCode() >= 400) {
            return history.complete(invoked, resp.statusCode() < 500 ? Op.Type.FAIL : Op.Type.UNKNOWN, null,
                    "HTTP " + resp.statusCode());
        }
        String id = parse(resp.body()).path("id").asText(null);
        long end = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < end) {
            // the orchestrator answers as soon as the saga ends, or after waitMs: no polling delay in the latency
            long waitMs = Math.max(1, Math.min(5_000, Duration.ofNanos(end - System.nanoTime()).toMillis()));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sagaUrl + "/sagas/" + id + "?waitMs=" + waitMs))
                        .timeout(Duration.ofMillis(waitMs + 5_000)).header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                String status = parse(r.body()).path("status").asText();
                if (status.equals("COMPLETED")) {
                    return history.complete(invoked, Op.Type.OK, id, "completed");
                }
                if (status.equals("COMPENSATED")) {
                    return history.complete(invoked, Op.Type.FAIL, id, "compensated");
                }
                if (r.statusCode() >= 400) {
                    Thread.sleep(200); // refused (the orchestrator restarting, say): ask again shortly
                }
            } catch (IOException e) {
                Thread.sleep(200); // the orchestrator may be down for a moment: keep following until the patience runs out
            }
        }
        return history.complete(invoked, Op.Type.UNKNOWN, id, "not finished within " + patience.toSeconds() + " s");
    }

    private HttpResponse<String> post(String url, JsonNode body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(patience)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode body(Order order) {
        return JSON.createObjectNode().put("sku", order.sku()).put("qty", order.qty()).put("account", order.account())
                .put("amount", order.amount());
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }
}
