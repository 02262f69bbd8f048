package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.chaos.check.Databases;
import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;
import dev.pledge.stack.Sleeper;

/**
 * The bad-input cases that are allowed to change something, each checked for exactly what it changes:
 * a repeated begin with one Idempotency-Key begins one transaction or saga; the same key with another
 * request is refused; an abort before its prepare makes the prepare vote NO and hold nothing; a repeated
 * prepare prepares once.
 */
final class StatefulCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = "{\"sku\":\"LOAD-002\",\"qty\":1,\"account\":\"acc-load-002\",\"amount\":0.01%s}";
    private static final String REPLAYED = "Idempotent-Replayed";

    private final HttpClient http;
    private final Databases db;
    private final String coordinator;
    private final String inventory;
    private final String saga;
    private final String runId;
    private final Consumer<String> problem;
    private final Consumer<String> progress;
    private final TokenMinter operator;
    private int requests;
    private int committed;
    private int aborted;

    /** @param operator signs every request: the campaign acts as the operator, in the lab (docs/security.md) */
    StatefulCases(HttpClient http, Databases db, String coordinator, String inventory, String saga, String runId,
            Consumer<String> problem, Consumer<String> progress, TokenMinter operator) {
        this.http = http;
        this.operator = operator;
        this.db = db;
        this.coordinator = coordinator;
        this.inventory = inventory;
        this.saga = saga;
        this.runId = runId;
        this.problem = problem;
        this.progress = progress;
    }

    int requests() {
        return requests;
    }

    int committed() {
        return committed;
    }

    int aborted() {
        return aborted;
    }

    void run() throws Exception {
        repeatedOrder();
        repeatedSaga();
        abortBeforePrepare();
        repeatedPrepare();
    }

    private void repeatedOrder() throws Exception {
        String key = runId + "-order";
        String body = String.format(ORDER, ",\"protocol\":\"2pc\"");
        HttpResponse<String> first = post(coordinator + "/orders", body, key);
        HttpResponse<String> again = post(coordinator + "/orders", body.replace("\"2pc\"", "\"2PC\""), key);
        HttpResponse<String> other = post(coordinator + "/orders", body.replace("\"qty\":1", "\"qty\":2"), key);
        String id = JSON.readTree(first.body()).path("id").asText();
        check("repeated order: first answer", first.statusCode() == 201, first);
        check("repeated order: the repeat answers with the same transaction", again.statusCode() == 201
                && id.equals(JSON.readTree(again.body()).path("id").asText())
                && "true".equals(again.headers().firstValue(REPLAYED).orElse(null)), again);
        check("repeated order: the same key with another order is refused", other.statusCode() == 422, other);
        long begun = count(Db.COORDINATOR, "SELECT count(*) FROM transactions WHERE idempotency_key = '" + key + "'");
        check("repeated order: one transaction began (" + begun + ")", begun == 1, null);
        String outcome = JSON.readTree(first.body()).path("outcome").asText();
        long effects = count(Db.INVENTORY, "SELECT count(*) FROM branches WHERE gid = '" + id + ".inventory' AND state = 'COMMITTED'");
        check("repeated order: its stock was taken " + effects + " times", effects == ("COMMITTED".equals(outcome) ? 1 : 0), null);
        tally(outcome);
        progress.accept("  repeated begin of a 2PC order with one Idempotency-Key: one transaction, " + outcome);
    }

    private void repeatedSaga() throws Exception {
        String key = runId + "-saga";
        String body = String.format(ORDER, "");
        HttpResponse<String> first = post(saga + "/sagas/orders", body, key);
        HttpResponse<String> again = post(saga + "/sagas/orders", body, key);
        HttpResponse<String> other = post(saga + "/sagas/orders", body.replace("LOAD-002", "LOAD-003"), key);
        String id = JSON.readTree(first.body()).path("id").asText();
        check("repeated saga: first answer", first.statusCode() == 202, first);
        check("repeated saga: the repeat answers with the same saga", again.statusCode() == 202
                && id.equals(JSON.readTree(again.body()).path("id").asText())
                && "true".equals(again.headers().firstValue(REPLAYED).orElse(null)), again);
        check("repeated saga: the same key with another order is refused", other.statusCode() == 422, other);
        long started = count(Db.SAGA, "SELECT count(*) FROM sagas WHERE idempotency_key = '" + key + "'");
        check("repeated saga: one saga started (" + started + ")", started == 1, null);
        String status = "RUNNING";
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ("RUNNING".equals(status) && System.nanoTime() < end) {
            Sleeper.pause(Duration.ofMillis(200));
            status = JSON.readTree(get(saga + "/sagas/" + id).body()).path("status").asText();
        }
        check("repeated saga: it ended (" + status + ")", !"RUNNING".equals(status), null);
        tally("COMPLETED".equals(status) ? "COMMITTED" : "ABORTED");
        progress.accept("  repeated start of a saga with one Idempotency-Key: one saga, " + status);
    }

    private void abortBeforePrepare() throws Exception {
        String gid = runId + "-early";
        BigDecimal stock = stock();
        HttpResponse<String> abort = post(inventory + "/branches/" + gid + "/abort", null, null);
        HttpResponse<String> prepare = post(inventory + "/branches/" + gid + "/prepare",
                "{\"operation\":{\"sku\":\"LOAD-002\",\"qty\":1},\"timeoutMs\":2000}", null);
        check("abort before prepare: the abort is recorded", abort.statusCode() == 200
                && "ABORTED".equals(JSON.readTree(abort.body()).path("state").asText()), abort);
        check("abort before prepare: the late prepare votes NO", prepare.statusCode() == 200
                && "NO".equals(JSON.readTree(prepare.body()).path("vote").asText()), prepare);
        check("abort before prepare: nothing is prepared", prepared(gid) == 0, null);
        check("abort before prepare: stock unchanged", stock.equals(stock()), null);
        progress.accept("  abort of a branch before its prepare: the prepare voted NO and holds nothing");
    }

    private void repeatedPrepare() throws Exception {
        String gid = runId + "-twice";
        BigDecimal stock = stock();
        String body = "{\"operation\":{\"sku\":\"LOAD-002\",\"qty\":1},\"timeoutMs\":2000}";
        HttpResponse<String> first = post(inventory + "/branches/" + gid + "/prepare", body, null);
        HttpResponse<String> again = post(inventory + "/branches/" + gid + "/prepare", body, null);
        check("repeated prepare: both vote YES", "YES".equals(JSON.readTree(first.body()).path("vote").asText())
                && "YES".equals(JSON.readTree(again.body()).path("vote").asText()), again);
        check("repeated prepare: prepared once", prepared(gid) == 1, null);
        HttpResponse<String> abort = post(inventory + "/branches/" + gid + "/abort", null, null);
        check("repeated prepare: the abort ends it", abort.statusCode() == 200 && prepared(gid) == 0, abort);
        check("repeated prepare: stock unchanged after the abort", stock.equals(stock()), null);
        progress.accept("  the same prepare twice: prepared once, and the abort released it");
    }

    private void tally(String outcome) {
        if ("COMMITTED".equals(outcome)) {
            committed++;
        } else {
            aborted++;
        }
    }

    private void check(String what, boolean ok, HttpResponse<String> r) {
        if (!ok) {
            problem.accept(what + (r == null ? "" : ": got " + r.statusCode() + " " + r.body()));
        }
    }

    private BigDecimal stock() throws SQLException {
        return db.number(Db.INVENTORY, "SELECT stock FROM products WHERE sku = 'LOAD-002'");
    }

    private long prepared(String gid) throws SQLException {
        return count(Db.INVENTORY, "SELECT count(*) FROM pg_prepared_xacts WHERE gid = '" + gid + "'");
    }

    private long count(Db d, String sql) throws SQLException {
        return db.number(d, sql).longValue();
    }

    private HttpResponse<String> post(String url, String body, String key) throws IOException, InterruptedException {
        requests++;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        b.header("Authorization", operator.bearer(Caller.EVERY_SERVICE));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", operator.bearer(Caller.EVERY_SERVICE)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
