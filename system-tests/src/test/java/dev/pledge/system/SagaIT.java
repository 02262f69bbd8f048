package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.identity.Caller;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;

/**
 * Order sagas across the real stack: the orchestrator, both participants, their PostgreSQL servers and a
 * Kafka broker, each its own process. Every test ends by waiting until no saga is unfinished and checking
 * the invariants in the databases directly.
 */
class SagaIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    private static Stack stack;
    private static Ledger ledger;

    @BeforeAll
    static void startStack() throws IOException {
        // short step timeouts, so silent participants are given up on quickly, but four attempts, enough to
        // outlast a participant's restart
        stack = TestStacks.up("pledge-saga-test", Map.of(
                "PLEDGE_SAGA_STEP_TIMEOUT", "4s",
                "PLEDGE_SAGA_ATTEMPTS", "4",
                "PLEDGE_SAGA_BACKOFF", "100ms",
                "PLEDGE_SAGA_FORWARD_DEADLINE", "5s",
                "PLEDGE_INVENTORY_PAYMENT_DEADLINE", "5s"));
        ledger = TestStacks.ledger(stack);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.down(System.out::println, false);
        }
    }

    @AfterEach
    void invariantsHoldOnceQuiet() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (ledger.unfinishedSagas() > 0) {
            assertThat(System.nanoTime()).as("sagas still unfinished after %s", SETTLE).isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(ledger.violations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sequential", "parallel", "forward-recovery", "choreography"})
    void completesAnOrderAndShowsEveryMessageWithItsKafkaCoordinates(String flow) throws Exception {
        JsonNode saga = awaitFinal(start("BOOK-001", 1, nextAccount(), "1.00", flow));
        assertThat(saga.path("status").asText()).isEqualTo("COMPLETED");
        List<JsonNode> messages = entries(saga, "COMMAND", "REPLY", "EVENT");
        // orchestrated: three commands and their replies; choreography: the order and three events
        assertThat(messages).hasSize(flow.equals("choreography") ? 4 : 6);
        assertThat(messages).allSatisfy(e -> {
            assertThat(e.path("topic").asText()).startsWith("saga.");
            assertThat(e.path("partition").isInt()).isTrue();
            assertThat(e.path("offset").isIntegralNumber()).isTrue();
            assertThat(e.hasNonNull("publishedAt")).isTrue();
        });
        assertThat(saga.path("steps").findValuesAsText("phase")).containsOnly("DONE");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sequential", "parallel", "forward-recovery", "choreography"})
    void outOfStockEndsCompensatedWithNothingTaken(String flow) throws Exception {
        JsonNode saga = awaitFinal(start("SOLD-OUT", 1, nextAccount(), "1.00", flow));
        assertThat(saga.path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.path("reason").asText()).contains("insufficient stock for SOLD-OUT");
        assertThat(ledger.stock("SOLD-OUT")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sequential", "parallel", "forward-recovery", "choreography"})
    void aDeclinedPaymentReleasesTheReservedStock(String flow) throws Exception {
        int before = ledger.stock("LAMP-007");
        JsonNode saga = awaitFinal(start("LAMP-007", 1, nextAccount(), "5000.00", flow));
        assertThat(saga.path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.path("reason").asText()).contains("insufficient funds");
        if (flow.equals("choreography")) {
            assertThat(entries(saga, "EVENT").stream().map(e -> e.path("detail").asText().replaceFirst(" .*", "")))
                    .containsExactly("OrderPlaced", "StockReserved", "PaymentDeclined", "StockReleased", "PaymentRefunded");
        } else if (!flow.equals("parallel")) {
            assertThat(kinds(saga)).containsSubsequence("COMMAND", "REPLY", "COMMAND", "REPLY", "COMPENSATION", "REPLY");
        }
        if (flow.equals("forward-recovery")) {
            assertThat(kinds(saga)).as("the declined charge is retried until the deadline").contains("RETRY");
        }
        assertThat(ledger.stock("LAMP-007")).isEqualTo(before);
    }

    @Test
    void aSilentParticipantTimesOutIsRetriedThenCompensated() throws Exception {
        JsonNode saga = whilePaymentIgnoresCharges(() -> awaitFinal(start("BOOK-001", 1, nextAccount(), "1.00", "sequential")));
        assertThat(saga.path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.path("reason").asText()).startsWith("charge-payment failed after 4 attempts");
        assertThat(kinds(saga).stream().filter("TIMEOUT"::equals)).hasSize(4);
        assertThat(kinds(saga).stream().filter("RETRY"::equals)).hasSize(3);
        assertThat(entries(saga, "REPLY").stream().map(e -> e.path("detail").asText()))
                .anyMatch(d -> d.startsWith("refund: SKIPPED"))
                .anyMatch(d -> d.startsWith("release: DONE"));
    }

    @Test
    void withNoOrchestratorInThePathInventoryReleasesAReservationNobodyPaidFor() throws Exception {
        JsonNode saga = whilePaymentIgnoresCharges(() -> awaitFinal(start("BOOK-001", 1, nextAccount(), "1.00", "choreography")));
        assertThat(saga.path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.path("reason").asText()).contains("within 5000 ms");
        assertThat(entries(saga, "EVENT").stream().map(e -> e.path("detail").asText()))
                .anyMatch(d -> d.startsWith("StockReleased"))
                .anyMatch(d -> d.startsWith("PaymentRefunded (nothing to undo: the action never arrived)"));
    }

    @Test
    void aCompensationThatKeepsFailingIsRetriedAndFlaggedUntilItSucceeds() throws Exception {
        int before = ledger.stock("MUG-042");
        String id = whileSilent(Stack.INVENTORY, "release", () -> {
            String started = start("MUG-042", 1, nextAccount(), "5000.00", "sequential");
            JsonNode stuck = awaitTimeline(started, s -> s.path("needsAttention").asBoolean());
            assertThat(stuck.path("status").asText()).isEqualTo("COMPENSATING");
            assertThat(entries(stuck, "COMPENSATION")).hasSizeGreaterThanOrEqualTo(5);
            return started;
        });
        JsonNode saga = awaitFinal(id);
        assertThat(saga.path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.path("needsAttention").asBoolean()).isFalse();
        assertThat(ledger.stock("MUG-042")).isEqualTo(before);
    }

    @Test
    void aDuplicatedCommandHasOneEffectAndItsRepeatedReplyIsIgnored() throws Exception {
        String account = nextAccount();
        String id = start("BOOK-001", 1, account, "2.00", "sequential");
        assertThat(awaitFinal(id).path("status").asText()).isEqualTo("COMPLETED");
        publish("saga.payment.commands", id, ledger.sagaCommand(id, "charge"));
        JsonNode saga = awaitTimeline(id, s -> entries(s, "REPLY").stream()
                .anyMatch(e -> e.path("detail").asText().contains("(ignored: the saga has ended)")));
        assertThat(saga.path("status").asText()).isEqualTo("COMPLETED");
        // conservation (checked after each test) proves the second charge took nothing
    }

    @Test
    void anActionArrivingAfterItsCompensationHasNoEffect() throws Exception {
        String id = whilePaymentIgnoresCharges(() -> {
            String started = start("BOOK-001", 1, nextAccount(), "3.00", "sequential");
            assertThat(awaitFinal(started).path("status").asText()).isEqualTo("COMPENSATED");
            return started;
        });
        // the charge the silent participant dropped is delivered now, after its refund
        publish("saga.payment.commands", id, ledger.sagaCommand(id, "charge"));
        JsonNode saga = awaitTimeline(id, s -> entries(s, "REPLY").stream()
                .anyMatch(e -> e.path("detail").asText().startsWith("charge: SKIPPED (already compensated")));
        assertThat(saga.path("status").asText()).isEqualTo("COMPENSATED");
    }

    @ParameterizedTest(name = "orchestrator crashes at {0}")
    @CsvSource({
        "after-saga-start, 1.00",
        "after-first-step, 1.00",
        "before-compensation, 5000.00",
        "before-reply-commit, 1.00",
    })
    void resumesFromItsLogAfterTheOrchestratorCrashes(String point, String amount) throws Exception {
        QuarkusService orchestrator = stack.service(Stack.SAGA_ORCHESTRATOR);
        long pid = orchestrator.runningPid().orElseThrow();
        send("PUT", orchestrator.baseUrl() + "/admin/crash-points/" + point, null);
        String id = tryStart("BOOK-001", 1, nextAccount(), amount);
        assertThat(Processes.awaitExit(pid, Duration.ofSeconds(60))).as("orchestrator halted at %s", point).isTrue();
        if (id == null) {
            id = ledger.newestSaga(); // the process halted before answering
        }
        orchestrator.start();
        orchestrator.awaitReady(Duration.ofSeconds(120));
        JsonNode saga = awaitFinal(id);
        assertThat(saga.path("status").asText()).isEqualTo(amount.equals("1.00") ? "COMPLETED" : "COMPENSATED");
    }

    @Test
    void resumesAfterAParticipantCrashesBetweenItsEffectAndItsReply() throws Exception {
        QuarkusService payment = stack.service(Stack.PAYMENT);
        long pid = payment.runningPid().orElseThrow();
        send("PUT", payment.baseUrl() + "/admin/crash-points/after-saga-effect", null);
        String id = start("BOOK-001", 1, nextAccount(), "4.00", "sequential");
        assertThat(Processes.awaitExit(pid, Duration.ofSeconds(60))).as("payment halted").isTrue();
        payment.start();
        payment.awaitReady(Duration.ofSeconds(120));
        assertThat(awaitFinal(id).path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void anUnreadableReplyGoesToTheDeadLetterTopicAndSagasGoOn() throws Exception {
        String marker = "not a reply " + UUID.randomUUID();
        publish("saga.replies", UUID.randomUUID().toString(), marker);
        assertThat(awaitFinal(start("BOOK-001", 1, nextAccount(), "1.00", "sequential")).path("status").asText())
                .isEqualTo("COMPLETED");
        assertThat(consumeUntil("saga.replies.dlq", marker)).as("the poison reply is in the dead-letter topic").isTrue();
    }

    /** Saga silence is a lab hook: only an operator turns it on or off, and a refused call silences nothing. */
    @Test
    void onlyAnOperatorSilencesAParticipant() throws Exception {
        String silence = stack.service(Stack.PAYMENT).baseUrl() + "/admin/saga-silence";
        String coordinator = stack.identities().minter(Caller.COORDINATOR).bearer(Caller.EVERY_SERVICE);
        String orchestrator = stack.identities().minter(Caller.SAGA_ORCHESTRATOR).bearer(Caller.EVERY_SERVICE);
        for (String method : List.of("PUT", "DELETE")) {
            assertThat(raw(method, silence + "/charge", null).statusCode()).as("%s without a token", method).isEqualTo(401);
            assertThat(raw(method, silence + "/charge", coordinator).statusCode()).as("%s as the coordinator", method)
                    .isEqualTo(403);
            assertThat(raw(method, silence + "/charge", orchestrator).statusCode()).as("%s as the orchestrator", method)
                    .isEqualTo(403);
        }
        assertThat(raw("GET", silence, null).body()).as("nothing silenced").isEqualTo("[]");
        assertThat(awaitFinal(start("BOOK-001", 1, nextAccount(), "1.00", "sequential")).path("status").asText())
                .isEqualTo("COMPLETED");
    }

    private static HttpResponse<String> raw(String method, String url, String authorization) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void invalidOrdersAreProblemsAndStartNothing() throws Exception {
        String before = ledger.newestSaga();
        String url = stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl() + "/sagas/orders";
        for (String body : List.of("{\"sku\":\"BOOK-001\",\"qty\":0,\"account\":\"acc-alice\",\"amount\":\"1.00\"}",
                "{\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"-1\"}",
                "{\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"1.00\",\"flow\":\"sideways\"}",
                "{\"sku\":\"BOOK-001\"", "[]")) {
            HttpResponse<String> resp = send("POST", url, body);
            assertThat(resp.statusCode()).as(body).isEqualTo(400);
            assertThat(resp.headers().firstValue("Content-Type")).as(body).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
        }
        assertThat(ledger.newestSaga()).isEqualTo(before);
    }

    /** Runs {@code work} (to its end) while payment drops every charge command, as a participant gone silent. */
    private static <T> T whilePaymentIgnoresCharges(java.util.concurrent.Callable<T> work) throws Exception {
        return whileSilent(Stack.PAYMENT, "charge", work);
    }

    private static <T> T whileSilent(String service, String verb, java.util.concurrent.Callable<T> work) throws Exception {
        String silence = stack.service(service).baseUrl() + "/admin/saga-silence/" + verb;
        assertThat(send("PUT", silence, null).statusCode()).isEqualTo(200);
        try {
            return work.call();
        } finally {
            send("DELETE", silence, null);
        }
    }

    private static String start(String sku, int qty, String account, String amount, String flow) throws Exception {
        String body = JSON.createObjectNode().put("sku", sku).put("qty", qty).put("account", account).put("amount", amount)
                .put("flow", flow).toString();
        HttpResponse<String> resp = send("POST", stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl() + "/sagas/orders", body);
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(202);
        assertThat(resp.headers().firstValue("Location")).isPresent();
        return JSON.readTree(resp.body()).path("id").asText();
    }

    /** Starts a saga; null when the orchestrator went away before answering. */
    private static String tryStart(String sku, int qty, String account, String amount) throws Exception {
        try {
            return start(sku, qty, account, amount, "sequential");
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits with the orchestrator ({@code waitMs}), which answers as soon as the saga's end has committed. */
    private static JsonNode awaitFinal(String id) throws Exception {
        return awaitTimeline(id, "?waitMs=5000", s -> List.of("COMPLETED", "COMPENSATED").contains(s.path("status").asText()));
    }

    private static JsonNode awaitTimeline(String id, java.util.function.Predicate<JsonNode> done) throws Exception {
        return awaitTimeline(id, "", done);
    }

    private static JsonNode awaitTimeline(String id, String query, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        String url = stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl() + "/sagas/" + id + query;
        long deadline = System.nanoTime() + SETTLE.toNanos();
        JsonNode saga = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> resp = send("GET", url, null);
                if (resp.statusCode() == 200) {
                    saga = JSON.readTree(resp.body());
                    if (done.test(saga)) {
                        return saga;
                    }
                }
            } catch (IOException e) {
                // the orchestrator is restarting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("saga " + id + " did not get there within " + SETTLE + ": " + saga);
    }

    private static List<JsonNode> entries(JsonNode saga, String... kinds) {
        List<JsonNode> out = new ArrayList<>();
        saga.path("timeline").forEach(e -> {
            if (List.of(kinds).contains(e.path("kind").asText())) {
                out.add(e);
            }
        });
        return out;
    }

    private static List<String> kinds(JsonNode saga) {
        List<String> out = new ArrayList<>();
        saga.path("timeline").forEach(e -> out.add(e.path("kind").asText()));
        return out;
    }

    private static String nextAccount() {
        return String.format("acc-load-%03d", ACCOUNTS.incrementAndGet() % 100 + 1);
    }

    private static HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        // as the operator: the crash points and saga silence take one, and the rest ignore the token
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", TestStacks.asOperator(stack))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The operator's login: the tests publish and read as the operator's tools do. */
    private static KafkaLogin operator() {
        return stack.kafka().login(KafkaLogin.OPERATOR);
    }

    private static void publish(String topic, String key, String value) throws Exception {
        assertThat(value).as("a message to publish").isNotNull();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(operator().clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static boolean consumeUntil(String topic, String value) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(operator().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, KafkaLogin.toolGroup("saga-it-" + UUID.randomUUID()),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(r.value())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
