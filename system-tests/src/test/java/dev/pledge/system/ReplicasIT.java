package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;
import dev.pledge.stack.Topology;

/**
 * Two coordinator replicas sharing one log, behind the stack's balancer. The replica that owns a transaction
 * is killed at each crash point and stays down: the other one takes the transaction over once the dead one's
 * lease has expired, finishes it, and the invariants hold. A replica that is only frozen past its lease is
 * fenced off: its late messages are refused by the participants.
 */
class ReplicasIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Short leases keep the test quick; the takeover time follows them. */
    private static final String LEASE_TTL = "3s";

    private static final AtomicInteger ROUND = new AtomicInteger();
    private static final Map<String, Long> TAKEOVER_MS = new TreeMap<>();

    private static Stack stack;
    private static Ledger ledger;

    @BeforeAll
    static void startStack() throws IOException {
        stack = TestStacks.up("pledge-replicas-test", Map.of(
                "PLEDGE_COORDINATOR_LEASE_TTL", LEASE_TTL,
                "PLEDGE_COORDINATOR_RECOVERY_INTERVAL", "1s"), new Topology(2, 1));
        ledger = TestStacks.ledger(stack);
    }

    @AfterAll
    static void stopStack() {
        System.out.println("time from the owner's crash to the transaction's end, lease ttl " + LEASE_TTL + ":");
        TAKEOVER_MS.forEach((point, ms) -> System.out.printf("  %-28s %6d ms%n", point, ms));
        if (stack != null) {
            stack.down(System.out::println, false);
        }
    }

    @ParameterizedTest(name = "{0}: the owning replica crashes at {1}")
    @CsvSource({
        "2PC, before-prepare",
        "2PC, after-first-prepare",
        "2PC, after-votes",
        "2PC, after-decision",
        "2PC, after-first-commit",
        "3PC, before-prepare",
        "3PC, after-votes",
        "3PC, after-first-precommit",
        "3PC, after-precommits",
        "3PC, after-first-docommit",
    })
    void theSurvivingReplicaFinishesWhatTheCrashedOwnerLeft(String protocol, String point) throws Exception {
        List<QuarkusService> replicas = stack.replicas(Stack.COORDINATOR);
        int round = ROUND.getAndIncrement();
        QuarkusService owner = replicas.get(round % 2);
        QuarkusService survivor = replicas.get((round + 1) % 2);
        long pid = owner.runningPid().orElseThrow();
        put(owner.baseUrl() + "/admin/crash-points/" + point);

        CompletableFuture.runAsync(() -> order(owner, protocol));
        assertThat(Processes.awaitExit(pid, DEADLINE)).as("%s halted at %s", owner.name(), point).isTrue();
        long crashedAt = System.nanoTime();
        String id = get(survivor.baseUrl() + "/transactions?limit=1").get(0).path("id").asText();

        JsonNode tx = awaitEnded(survivor, id);
        TAKEOVER_MS.put(protocol + " " + point, (System.nanoTime() - crashedAt) / 1_000_000);
        assertThat(owner.runningPid()).as("the crashed owner stayed down").isEmpty();
        assertThat(tx.path("owner").asText()).as("owner of %s", id).isEqualTo(survivor.name());
        assertThat(tx.path("epoch").asLong()).as("one change of owner").isEqualTo(2);
        assertThat(tx.path("timeline").findValuesAsText("message"))
                .anyMatch(m -> m.startsWith("takeover from " + owner.name()));
        awaitQuiet();
        assertThat(ledger.violations()).as("%s after %s crashed at %s", protocol, owner.name(), point).isEmpty();

        owner.start();
        owner.awaitReady(Duration.ofSeconds(120));
    }

    /**
     * The owner decides, then freezes (SIGSTOP) past its lease: the other replica takes the transaction over
     * under epoch 2 and commits it. Thawed, the old owner goes on sending its commits under epoch 1; both
     * participants refuse them (412), and the old owner takes a new lease without touching the transaction.
     */
    @Test
    void aFrozenOwnerThatWakesUpAfterTheTakeoverIsFencedOff() throws Exception {
        QuarkusService owner = stack.replicas(Stack.COORDINATOR).get(0);
        QuarkusService survivor = stack.replicas(Stack.COORDINATOR).get(1);
        long pid = owner.runningPid().orElseThrow();
        put(owner.baseUrl() + "/admin/crash-points/after-decision/pause?millis=3000");
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> order(owner, "2PC"));
        String id = awaitState(survivor, "COMMITTING");
        Processes.signal(pid, "STOP");
        JsonNode tx;
        try {
            tx = awaitEnded(survivor, id);
        } finally {
            Processes.signal(pid, "CONT");
        }
        assertThat(tx.path("owner").asText()).isEqualTo(survivor.name());
        assertThat(tx.path("state").asText()).isEqualTo("COMMITTED");

        JsonNode reply = answer.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(reply.path("outcome").asText()).as("the client hears the outcome the survivor reached").isEqualTo("COMMITTED");
        JsonNode timeline = get(survivor.baseUrl() + "/transactions/" + id).path("timeline");
        assertThat(timeline.findValuesAsText("message").stream().filter(m -> m.startsWith("refused: epoch 1 is stale")))
                .as("the old owner's late commits, refused by both participants").hasSize(2);
        assertThat(ledger.fences(id)).as("both participants hold epoch 2").containsExactly(2, 2);
        awaitLiveLease(owner);
        awaitQuiet();
        assertThat(ledger.violations()).isEmpty();
    }

    private static JsonNode order(QuarkusService coordinator, String protocol) {
        String body = "{\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-load-001\",\"amount\":\"1.00\",\"protocol\":\""
                + protocol + "\"}";
        try {
            HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(coordinator.baseUrl() + "/orders"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("outcome", "no answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode().put("outcome", "interrupted");
        }
    }

    /** The newest transaction, once the log shows it in this state. */
    private static String awaitState(QuarkusService coordinator, String state) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            JsonNode newest = get(coordinator.baseUrl() + "/transactions?limit=1").get(0);
            if (newest != null && state.equals(newest.path("state").asText())) {
                return newest.path("id").asText();
            }
            assertThat(System.nanoTime()).as("a transaction in %s; newest %s", state, newest).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static JsonNode awaitEnded(QuarkusService coordinator, String id) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            JsonNode tx = get(coordinator.baseUrl() + "/transactions/" + id);
            if (List.of("COMMITTED", "ABORTED", "MIXED").contains(tx.path("state").asText())) {
                return tx;
            }
            assertThat(System.nanoTime()).as("%s ended; now %s", id, tx.path("state")).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitLiveLease(QuarkusService replica) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            JsonNode leases = get(replica.baseUrl() + "/admin/replicas").path("leases");
            for (JsonNode lease : leases) {
                if (lease.path("nodeId").asText().equals(replica.name()) && lease.path("live").asBoolean()) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("%s holds a live lease again: %s", replica.name(), leases).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (ledger.unfinished() > 0 || ledger.prepared() > 0) {
            assertThat(System.nanoTime()).as("still unfinished or prepared after %s", DEADLINE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as("GET %s: %s", url, resp.body()).isEqualTo(200);
        return JSON.readTree(resp.body());
    }

    private static void put(String url) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    }
}
