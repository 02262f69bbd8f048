package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.identity.Caller;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;

/**
 * Every answer says what really happened: orders that end each way on a whole stack (out of stock, no funds, a
 * lock held by another branch, a participant killed, a participant that does not answer in time, a malformed
 * body) and every reason, vote reason, timeline message and problem detail they produce. Each names the
 * participant and the cause in plain words; none names a Java exception or type.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReasonsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a person must never read: an exception's class, or a Java package. */
    private static final Pattern JAVA_NAME = Pattern.compile(
            "\\b[A-Z][A-Za-z]+(Exception|Error)\\b|dev\\.pledge\\.|java\\.|javax\\.|jakarta\\.|io\\.vertx|io\\.netty|io\\.smallrye");
    private static final String GOOD = "{\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"1.00\"";

    private static Stack stack;

    @BeforeAll
    static void startStack() throws IOException {
        // a call timeout shorter than the orders' own, so a participant that does not answer is given up on by it
        stack = TestStacks.up("pledge-reasons-test", Map.of("PLEDGE_COORDINATOR_CALL_TIMEOUT", "2s"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.down(System.out::println, false);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2PC", "3PC"})
    @Order(1)
    void aStockOutNamesInventoryAndTheStock(String protocol) throws Exception {
        JsonNode tx = order(protocol, "RARE-1", 5, "acc-alice", "1.00", null);
        assertPlainAndAbortedBy(tx, "inventory", "insufficient stock for RARE-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2PC", "3PC"})
    @Order(2)
    void missingFundsNamePaymentAndTheBalance(String protocol) throws Exception {
        JsonNode tx = order(protocol, "BOOK-001", 1, "acc-dave", "1.00", null);
        assertPlainAndAbortedBy(tx, "payment", "insufficient funds in acc-dave", "balance");
    }

    /** Another branch holds the product prepared: the order's prepare waits for it until its time runs out. */
    @Test
    @Order(3)
    void aLockConflictNamesTheRowAndTheBranchHoldingIt() throws Exception {
        String inventory = stack.service(Stack.INVENTORY).baseUrl();
        String holder = UUID.randomUUID() + ".inventory";
        JsonNode held = prepare(inventory, holder, JSON.createObjectNode().put("sku", "MUG-042").put("qty", 1));
        assertThat(held.path("vote").asText()).as("%s", held).isEqualTo("YES");
        try {
            JsonNode tx = order("2PC", "MUG-042", 1, "acc-bob", "1.00", 1000L);
            assertPlainAndAbortedBy(tx, "inventory", "lock", "products(MUG-042)", "held by branch " + holder);
        } finally {
            post(inventory + "/branches/" + holder + "/abort", null);
        }
    }

    /** The participant paused before it answers: the transaction's time runs out first. */
    @ParameterizedTest
    @ValueSource(strings = {"2PC", "3PC"})
    @Order(4)
    void aParticipantThatDoesNotAnswerInTheTransactionsTimeIsNamedWithWhatWasAwaited(String protocol) throws Exception {
        pause(Stack.INVENTORY, "after-prepare", 2500);
        JsonNode tx = order(protocol, protocol.equals("2PC") ? "LOAD-001" : "LOAD-002", 1, "acc-load-001", "1.00", 1200L);
        assertPlainAndAbortedBy(tx, "inventory", "no vote on the " + (protocol.equals("2PC") ? "prepare" : "can-commit"),
                "the transaction's time of 1200 ms ran out");
    }

    /** The participant paused before it answers, the order has time: the call's own timeout gives up on it. */
    @Test
    @Order(5)
    void aParticipantThatDoesNotAnswerWithinTheCallTimeoutIsNamedWithHowLong() throws Exception {
        pause(Stack.PAYMENT, "after-prepare", 4000);
        JsonNode tx = order("2PC", "LOAD-003", 1, "acc-load-003", "1.00", 8000L);
        assertPlainAndAbortedBy(tx, "payment", "no vote on the prepare within", " ms: the participant was reached");
    }

    /** Payment is killed (SIGKILL): its connection is refused. It is started again afterwards. */
    @Test
    @Order(6)
    void aParticipantThatIsDownIsNamedAndSaidToBeUnreachable() throws Exception {
        QuarkusService payment = stack.service(Stack.PAYMENT);
        long pid = payment.runningPid().orElseThrow();
        Processes.signal(pid, "KILL");
        assertThat(Processes.awaitExit(pid, Duration.ofSeconds(30))).as("payment killed").isTrue();
        try {
            JsonNode tx = order("2PC", "BOOK-001", 1, "acc-alice", "1.00", null);
            assertPlainAndAbortedBy(tx, "payment", "unreachable");
            assertThat(tx.path("reason").asText()).as("refused; a pooled connection reset; or suspected before being asked")
                    .containsAnyOf("connection refused at 127.0.0.1:" + payment.port() + " (the service is not running",
                            "the connection was reset before an answer (the process may have crashed)",
                            "the connection closed before an answer (the process may have crashed)",
                            "suspected down by the failure detector");
        } finally {
            payment.start();
            payment.awaitReady(Duration.ofSeconds(120));
        }
        // the coordinator's circuit breaker for payment may still be open for its delay: orders abort until it closes
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode after = order("2PC", "BOOK-001", 1, "acc-alice", "1.00", null);
        while (!after.path("outcome").asText().equals("COMMITTED") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            after = order("2PC", "BOOK-001", 1, "acc-alice", "1.00", null);
        }
        assertThat(after.path("outcome").asText()).as("payment is back: %s", after).isEqualTo("COMMITTED");
    }

    @Test
    @Order(7)
    void malformedBodiesAreProblemsInWordsAboutTheJsonAndWriteNothing() throws Exception {
        String[][] bodies = {
            {"[]", "expected a JSON object, got an array"},
            {GOOD.replace("\"qty\":1", "\"qty\":\"abc\"") + "}", "at qty: expected a whole number, got \"abc\""},
            {GOOD.replace("\"qty\":1", "\"qty\":1.5") + "}", "at qty: expected a whole number, got 1.5"},
            {"{\"sku\": }", "not valid JSON at line 1, column "},
            {GOOD + ",\"foo\":1}", "unknown field 'foo'"},
        };
        long transactions = count(Stack.PG_COORDINATOR, "coordinator", "SELECT count(*) FROM transactions");
        long sagas = count(Stack.PG_SAGA, "saga", "SELECT count(*) FROM sagas");
        for (String url : List.of(stack.service(Stack.COORDINATOR).baseUrl() + "/orders",
                stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl() + "/sagas/orders")) {
            for (String[] body : bodies) {
                String sent = body[0];
                HttpResponse<String> resp = post(url, sent);
                assertThat(resp.statusCode()).as("%s %s: %s", url, sent, resp.body()).isEqualTo(400);
                assertThat(resp.headers().firstValue("Content-Type")).as(sent).hasValueSatisfying(
                        t -> assertThat(t).startsWith("application/problem+json"));
                String detail = JSON.readTree(resp.body()).path("detail").asText();
                assertThat(detail).as("%s %s", url, sent).startsWith("Malformed JSON body").contains(body[1])
                        .doesNotContainPattern(JAVA_NAME).doesNotContain("OrderRequest").doesNotContain("OrderSagaRequest")
                        .doesNotContain("Integer");
            }
        }
        assertThat(count(Stack.PG_COORDINATOR, "coordinator", "SELECT count(*) FROM transactions")).isEqualTo(transactions);
        assertThat(count(Stack.PG_SAGA, "saga", "SELECT count(*) FROM sagas")).isEqualTo(sagas);
    }

    /**
     * The order aborted, its reason names {@code participant} first and says {@code words}; no text of the
     * transaction (its reason, each branch's vote reason, every timeline message) names a Java type.
     */
    private static void assertPlainAndAbortedBy(JsonNode tx, String participant, String... words) {
        assertThat(tx.path("outcome").asText()).as("%s", tx).isEqualTo("ABORTED");
        String reason = tx.path("reason").asText();
        assertThat(reason).as("the reason of %s", tx.path("id")).startsWith(participant + ": ").contains(words);
        List<String> texts = new ArrayList<>(List.of(reason));
        tx.path("branches").forEach(b -> texts.add(b.path("reason").asText("")));
        tx.path("timeline").forEach(e -> texts.add(e.path("message").asText("")));
        System.out.printf("%s%n  %s%n", tx.path("id").asText(), String.join("\n  ", texts));
        for (String text : texts) {
            assertThat(text).as("a text of %s", tx.path("id")).doesNotContainPattern(JAVA_NAME);
        }
    }

    /** Places an order and answers the transaction as the coordinator shows it, with branches and timeline. */
    private static JsonNode order(String protocol, String sku, int qty, String account, String amount, Long timeoutMs)
            throws Exception {
        var body = JSON.createObjectNode().put("sku", sku).put("qty", qty).put("account", account).put("amount", amount)
                .put("protocol", protocol);
        if (timeoutMs != null) {
            body.put("timeoutMs", timeoutMs);
        }
        String coordinator = stack.service(Stack.COORDINATOR).baseUrl();
        HttpResponse<String> resp = post(coordinator + "/orders", body.toString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
        String id = JSON.readTree(resp.body()).path("id").asText();
        HttpResponse<String> tx = HTTP.send(HttpRequest.newBuilder(URI.create(coordinator + "/transactions/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(tx.body());
    }

    /** A prepare sent straight to a participant, as a coordinator would, under the wait policy. */
    private static JsonNode prepare(String url, String gid, JsonNode operation) throws Exception {
        var body = JSON.createObjectNode();
        body.set("operation", operation);
        body.put("timeoutMs", 5000);
        body.set("locking", JSON.createObjectNode().put("policy", "wait").put("begunAt", Instant.now().toString())
                .put("firstAttempt", gid.substring(0, gid.lastIndexOf('.'))));
        return JSON.readTree(post(url + "/branches/" + gid + "/prepare", body.toString()).body());
    }

    private static void pause(String service, String point, long millis) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(stack.service(service).baseUrl()
                + "/admin/crash-points/" + point + "/pause?millis=" + millis)).header("Authorization", TestStacks.asOperator(stack))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    }

    /** Posts as the coordinator would (the test holds a branch the way a transaction of the coordinator does). */
    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", stack.identities().minter(Caller.COORDINATOR).bearer(Caller.EVERY_SERVICE))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long count(String postgres, String db, String sql) throws SQLException {
        try (Connection c = stack.postgres(postgres).connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
