package dev.pledge.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;
import dev.pledge.stack.Stack;

/**
 * A distributed deadlock made by hand through the participants' own API, under the {@code wait} lock policy:
 * order A holds a product at inventory and order B an account at payment, each prepared; then B's inventory
 * prepare waits for A and A's payment prepare waits for B. Closing it aborts all four branches, which ends both
 * waits (each then votes NO) and leaves nothing prepared.
 */
final class HandMadeDeadlock implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** How long each waiting prepare may wait: longer than any test looks at the cycle. */
    private static final long WAIT_MS = 30_000;

    final String a = UUID.randomUUID().toString();
    final String b = UUID.randomUUID().toString();
    private final String inventory;
    private final String payment;
    /** The test plays the coordinator here, so it signs with the coordinator's key. */
    private final TokenMinter coordinator;
    private final JsonNode stock;
    private final JsonNode money;
    private CompletableFuture<JsonNode> aWaits;
    private CompletableFuture<JsonNode> bWaits;

    private HandMadeDeadlock(Stack stack, String sku, String account) {
        this.inventory = stack.service(Stack.INVENTORY).baseUrl();
        this.payment = stack.service(Stack.PAYMENT).baseUrl();
        this.coordinator = stack.identities().minter(Caller.COORDINATOR);
        this.stock = JSON.createObjectNode().put("sku", sku).put("qty", 1);
        this.money = JSON.createObjectNode().put("account", account).put("amount", "1.00");
    }

    /** Makes the cycle; each branch held first must vote YES (the product in stock, the account in funds). */
    static HandMadeDeadlock make(Stack stack, String sku, String account) {
        HandMadeDeadlock d = new HandMadeDeadlock(stack, sku, account);
        d.expectYes(d.prepare(d.inventory, d.a + ".inventory", d.stock));
        d.expectYes(d.prepare(d.payment, d.b + ".payment", d.money));
        d.bWaits = CompletableFuture.supplyAsync(() -> d.prepare(d.inventory, d.b + ".inventory", d.stock));
        d.aWaits = CompletableFuture.supplyAsync(() -> d.prepare(d.payment, d.a + ".payment", d.money));
        return d;
    }

    /** The two waiting prepares' votes, once the deadlock is closed. */
    List<String> waitersVotes() {
        return List.of(aWaits.join().path("vote").asText(), bWaits.join().path("vote").asText());
    }

    /** The waiting branches first (their prepares are cancelled and vote NO), then those they wait for. */
    @Override
    public void close() {
        for (String gid : List.of(b + ".inventory", a + ".payment", a + ".inventory", b + ".payment")) {
            post((gid.endsWith("inventory") ? inventory : payment) + "/branches/" + gid + "/abort", null);
        }
    }

    private void expectYes(JsonNode vote) {
        if (!"YES".equals(vote.path("vote").asText())) {
            close();
            throw new IllegalStateException("a branch of the hand-made deadlock did not prepare: " + vote);
        }
    }

    private JsonNode prepare(String url, String gid, JsonNode operation) {
        var body = JSON.createObjectNode();
        body.set("operation", operation);
        body.put("timeoutMs", WAIT_MS);
        body.set("locking", JSON.createObjectNode().put("policy", "wait").put("begunAt", Instant.now().toString())
                .put("firstAttempt", gid.substring(0, gid.lastIndexOf('.'))));
        return post(url + "/branches/" + gid + "/prepare", body);
    }

    private JsonNode post(String url, JsonNode body) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Authorization", coordinator.bearer(url.startsWith(inventory) ? "inventory" : "payment"))
                    .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(url, e);
        }
    }
}
