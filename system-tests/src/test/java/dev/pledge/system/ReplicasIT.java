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
 * Two coordinator replicas sharing one log, behind the stack's balancer, started as a user would
 * ({@code ./pledge up --coordinators 2 --orchestrators 2}). The replica that owns a transaction is killed at
 * each crash point and stays down: the other one takes the transaction over once the dead one's lease has
 * expired, finishes it, and the invariants hold. A replica that is only frozen past its lease is fenced off:
 * its late messages are refused by the participants. {@code ./pledge experiment blocking --replicas 2} runs
 * last, on the same stack.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReplicasIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Short leases keep the test quick; the takeover time follows them. */
    private static final String LEASE_TTL = "3s";

    private static final AtomicInteger ROUND = new AtomicInteger();
    private static final Map<String, Long> TAKEOVER_MS = new TreeMap<>();

    private static PledgeCommand pledge;
    private static Stack stack;
    private static Ledger ledger;

    @BeforeAll
    static void startStack() throws Exception {
        pledge = PledgeCommand.inFreshState("pledge-replicas-test");
        pledge.env().put("PLEDGE_COORDINATOR_LEASE_TTL", LEASE_TTL);
        pledge.env().put("PLEDGE_COORDINATOR_RECOVERY_INTERVAL", "1s");
        PledgeCommand.Result up = pledge.run("up", "--coordinators", "2", "--orchestrators", "2");
        stack = pledge.stack();
        assertThat(up.exitCode()).as("%s", up).isZero();
        assertThat(up.out()).contains("Topology: 2 coordinators, 2 orchestrators")
                .contains("coordinator-1").contains("coordinator-2").contains("saga-orchestrator-2");
        assertThat(stack.config().topology()).isEqualTo(new Topology(2, 2));
        ledger = TestStacks.ledger(stack);
    }

    @AfterAll
    static void stopStack() throws Exception {
        System.out.println("time from the owner's crash to the transaction's end, lease ttl " + LEASE_TTL + ":");
        TAKEOVER_MS.forEach((point, ms) -> System.out.printf("  %-28s %6d ms%n", point, ms));
        if (pledge != null) {
            System.out.println(pledge.run("down").out());
        }
    }

    /** Refused while the stack runs with another number of replicas, which it says how to change. */
    @Test
    void changingTheNumberOfReplicasOfARunningStackIsRefused() throws Exception {
        PledgeCommand.Result up = pledge.run("up", "--coordinators", "3");
        assertThat(up.exitCode()).as("%s", up).isEqualTo(2);
        assertThat(up.err()).contains("running with 2 coordinators, 2 orchestrators").contains("./pledge down");
        PledgeCommand.Result bad = pledge.run("up", "--coordinators", "5");
        assertThat(bad.exitCode()).as("%s", bad).isEqualTo(2);
        assertThat(bad.err()).contains("--coordinators must be between 1 and 4");
    }

    /** A later up and status say the topology is remembered from the earlier up, and how to go back to one. */
    @Test
    void upAndStatusSayTheTopologyIsRememberedAndHowToGoBack() throws Exception {
        String wayBack = "./pledge down && ./pledge up --coordinators 1 --orchestrators 1";
        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as("%s", up).isZero();
        assertThat(up.out()).contains("Topology: 2 coordinators, 2 orchestrators, remembered in")
                .contains("from an earlier ./pledge up --coordinators 2 --orchestrators 2").contains(wayBack);
        PledgeCommand.Result status = pledge.run("status");
        assertThat(status.out()).contains("Topology: 2 coordinators, 2 orchestrators, remembered in").contains(wayBack);
        JsonNode json = JSON.readTree(pledge.run("status", "--json").out()).path("topology");
        assertThat(json.path("coordinators").asInt()).isEqualTo(2);
        assertThat(json.path("remembered").asBoolean()).isTrue();
    }

    /** The demo's blocking chapter on replicas: a surviving replica ends the order under 2PC and 3PC. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1)
    void theDemosBlockingChapterWorksOnReplicas() throws Exception {
        PledgeCommand.Result demo = pledge.run("demo", "--chapter", "blocking");
        assertThat(demo.exitCode()).as("%s", demo).isZero();
        assertThat(demo.out()).contains("== Chapter 2 of 3: kill the coordinator mid-commit")
                .contains("With 2 coordinator replicas, a surviving replica takes the order over")
                .containsPattern("(?s)ok +ended before the crashed replica came back, by .*"
                        + "ok +ended before the crashed replica came back, by ")
                .doesNotContain("NOT OK");
        assertThat(ledger.violations()).isEmpty();
    }

    /**
     * Sagas started on both orchestrator instances, one of which is killed at once: the other takes over the
     * killed one's reply partitions when the consumer group rebalances, and every saga still ends.
     */
    @Test
    void sagasOfAKilledOrchestratorInstanceEndOnTheOther() throws Exception {
        List<QuarkusService> instances = stack.replicas(Stack.SAGA_ORCHESTRATOR);
        assertThat(instances).extracting(QuarkusService::name).containsExactly("saga-orchestrator-1", "saga-orchestrator-2");
        QuarkusService victim = instances.get(0);
        QuarkusService survivor = instances.get(1);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(startSaga(instances.get(i % 2), "acc-load-0" + (10 + i)));
        }
        long pid = victim.runningPid().orElseThrow();
        Processes.signal(pid, "KILL");
        assertThat(Processes.awaitExit(pid, DEADLINE)).isTrue();
        long killedAt = System.nanoTime();
        for (String id : ids) {
            assertThat(awaitSagaEnd(survivor, id)).as("saga %s", id).isEqualTo("COMPLETED");
        }
        TAKEOVER_MS.put("saga instance killed", (System.nanoTime() - killedAt) / 1_000_000);
        awaitQuiet();
        assertThat(ledger.violations()).isEmpty();
        victim.start();
        victim.awaitReady(Duration.ofSeconds(120));
    }

    /** The experiment as the docs show it: the same crash without and with a surviving replica. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theBlockingExperimentComparesASingleCoordinatorWithReplicas() throws Exception {
        PledgeCommand.Result r = pledge.run("experiment", "blocking", "--protocol", "2pc", "--replicas", "2",
                "--hold-seconds", "4", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode report = JSON.readTree(r.out());
        JsonNode single = report.path("singleCoordinator");
        JsonNode replicated = report.path("replicas");
        assertThat(single.path("replicasRunning").asInt()).isEqualTo(1);
        assertThat(single.path("resolvedBy").asText()).isEqualTo("the restarted coordinator's recovery");
        assertThat(single.path("blockedUntilRestart").asBoolean()).isTrue();
        assertThat(single.path("secondOrderWaitedFor").asText()).isEqualTo("COORDINATOR_RESTART");
        assertThat(replicated.path("replicasRunning").asInt()).isEqualTo(2);
        assertThat(replicated.path("resolvedBy").asText()).startsWith("coordinator-2");
        assertThat(replicated.path("resolvedBeforeRestart").asBoolean()).isTrue();
        assertThat(replicated.path("blockedUntilRestart").asBoolean()).isFalse();
        assertThat(replicated.path("secondOrderWaitedFor").asText()).isEqualTo("REPLICA_TAKEOVER");
        assertThat(single.path("invariantsHold").asBoolean() && replicated.path("invariantsHold").asBoolean())
                .as("%s", r).isTrue();
    }

    @ParameterizedTest(name = "{0}: the owning replica crashes at {1}")
    @CsvSource({
        "2PC, before-prepare",
        "2PC, after-first-prepare",
        "2PC, after-votes",
        "2PC, after-decision",
        "2PC, after-first-commit",
        "3PC, before-prepare",
        "3PC, after-first-prepare",
        "3PC, after-votes",
        "3PC, after-decision",
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
        try {
            assertThat(Processes.awaitExit(pid, DEADLINE)).as("%s halted at %s", owner.name(), point).isTrue();
            long crashedAt = System.nanoTime();
            String id = get(survivor.baseUrl() + "/transactions?limit=1").get(0).path("id").asText();

            JsonNode tx = awaitEnded(survivor, id);
            TAKEOVER_MS.put(protocol + " " + point, (System.nanoTime() - crashedAt) / 1_000_000);
            assertThat(owner.runningPid()).as("the crashed owner stayed down").isEmpty();
            assertThat(tx.path("owner").asText()).as("owner of %s", id).isEqualTo(survivor.name());
            assertThat(tx.path("epoch").asLong()).as("one change of owner").isEqualTo(2);
            assertThat(tx.path("timeline").findValuesAsText("message"))
                    .anyMatch(m -> m.equals("taken over from " + owner.name() + " after its lease expired"));
            awaitQuiet();
            assertThat(ledger.violations()).as("%s after %s crashed at %s", protocol, owner.name(), point).isEmpty();
        } finally {
            if (owner.runningPid().isEmpty()) { // the next round needs both replicas, whatever happened in this one
                owner.start();
                owner.awaitReady(Duration.ofSeconds(120));
            }
        }
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

    private static String startSaga(QuarkusService orchestrator, String account) throws Exception {
        String body = "{\"sku\":\"LOAD-002\",\"qty\":1,\"account\":\"" + account + "\",\"amount\":\"1.00\","
                + "\"flow\":\"sequential\"}";
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(orchestrator.baseUrl() + "/sagas/orders"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(202);
        return JSON.readTree(resp.body()).path("id").asText();
    }

    /** A saga's final status, asked of one instance: it answers as soon as the end has committed, whoever ended it. */
    private static String awaitSagaEnd(QuarkusService orchestrator, String id) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            String status = get(orchestrator.baseUrl() + "/sagas/" + id + "?waitMs=5000").path("status").asText();
            if (List.of("COMPLETED", "COMPENSATED").contains(status)) {
                return status;
            }
            assertThat(System.nanoTime()).as("saga %s ended; now %s", id, status).isLessThan(deadline);
        }
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
                .header("Authorization", TestStacks.asOperator(stack)).PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    }
}
