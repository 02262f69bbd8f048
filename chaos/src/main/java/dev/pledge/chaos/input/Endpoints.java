package dev.pledge.chaos.input;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.chaos.input.Endpoint.Breaker;

/** Every endpoint of the stack that takes a JSON body, with a valid body and the values that break it. */
public final class Endpoints {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Endpoints() {
    }

    public static List<Endpoint> all(String coordinator, String inventory, String payment, String saga, String runId) {
        List<Endpoint> out = new ArrayList<>();
        out.add(new Endpoint("coordinator POST /orders", coordinator, n -> "/orders", order().put("protocol", "2pc"),
                concat(orderBreakers(), List.of(breaker("protocol", null, s(""), s("4pc"), s("saga"), s("2pc "), F.arrayNode()),
                        breaker("timeoutMs", n(99), n(600_001), n(-5), s("soon"), F.numberNode(1.5)))),
                List.of(List.of())));
        out.add(new Endpoint("saga-orchestrator POST /sagas/orders", saga, n -> "/sagas/orders", order().put("flow", "sequential"),
                concat(orderBreakers(), List.of(breaker("flow", s(""), s("unknown-flow"), F.arrayNode(), n(1)))),
                List.of(List.of())));
        ObjectNode tx = F.objectNode().put("protocol", "2pc");
        tx.putArray("branches").add(branch("inventory", inventoryOp())).add(branch("payment", paymentOp()));
        ArrayNode seventeen = F.arrayNode();
        for (int i = 0; i < 17; i++) {
            seventeen.add(branch("p" + i, inventoryOp()).put("url", inventory));
        }
        out.add(new Endpoint("coordinator POST /transactions", coordinator, n -> "/transactions", tx, List.of(
                breaker("protocol", null, s(""), s("4pc"), s("saga"), F.arrayNode()),
                breaker("branches", null, F.arrayNode(), seventeen, s("x"), F.objectNode(), F.arrayNode().add(F.nullNode())),
                new Breaker(List.of("branches", 0, "participant"), values(null, s(""), s("UPPER"), s("x".repeat(33)),
                        s("nobody"), F.arrayNode())),
                new Breaker(List.of("branches", 1, "participant"), values(s("inventory"))),
                new Breaker(List.of("branches", 0, "url"), values(s("ftp://x"), s("not a url"), s("http://"), F.arrayNode())),
                new Breaker(List.of("branches", 0, "operation"), values((JsonNode) null)),
                breaker("timeoutMs", n(99), n(600_001), n(-5), s("soon"))),
                List.of(List.of(), List.of("branches", 0))));
        out.add(new Endpoint("coordinator POST /transactions/{id}/force", coordinator,
                n -> "/transactions/" + UUID.nameUUIDFromBytes((runId + n).getBytes()) + "/force",
                F.objectNode().put("outcome", "ABORT").put("by", "bad-input").put("reason", "generated"), List.of(
                breaker("outcome", null, s(""), s("MAYBE"), s("commit"), n(1)),
                breaker("by", null, s(""), s(" "), s("x".repeat(65))),
                breaker("reason", null, s(""), s("x".repeat(501)))),
                List.of(List.of())));
        out.add(prepare("inventory", inventory, inventoryOp(), inventoryBreakers(), runId));
        out.add(prepare("payment", payment, paymentOp(), paymentBreakers(), runId));
        out.add(canCommit("inventory", inventory, inventoryOp(), inventoryBreakers(), runId));
        out.add(canCommit("payment", payment, paymentOp(), paymentBreakers(), runId));
        return out;
    }

    private static Endpoint prepare(String name, String url, ObjectNode op, List<Breaker> opBreakers, String runId) {
        ObjectNode body = F.objectNode();
        body.set("operation", op);
        body.put("timeoutMs", 1000);
        return new Endpoint(name + " POST /branches/{gid}/prepare", url, n -> "/branches/" + runId + "-p" + n + "/prepare", body,
                concat(opBreakers, List.of(breaker("operation", null, F.nullNode(), s("x"), F.arrayNode()),
                        breaker("timeoutMs", n(0), n(600_001), s("x")))),
                List.of(List.of(), List.of("operation")));
    }

    private static Endpoint canCommit(String name, String url, ObjectNode op, List<Breaker> opBreakers, String runId) {
        ObjectNode body = F.objectNode();
        body.set("operation", op);
        body.put("timeoutMs", 1000).put("coordinatorUrl", "http://127.0.0.1:1");
        body.putArray("peers").add(F.objectNode().put("participant", name).put("url", url).put("gid", "g"));
        return new Endpoint(name + " POST /branches/{gid}/can-commit", url, n -> "/branches/" + runId + "-c" + n + "/can-commit",
                body, concat(opBreakers, List.of(breaker("operation", null, F.nullNode(), s("x")),
                        breaker("coordinatorUrl", null, s(""), s("ftp://x"), n(5)),
                        breaker("peers", null, F.arrayNode(), s("x")),
                        new Breaker(List.of("peers", 0, "url"), values(null, s("nope"))),
                        breaker("timeoutMs", n(0), n(600_001)))),
                List.of(List.of(), List.of("operation"), List.of("peers", 0)));
    }

    private static ObjectNode order() {
        return F.objectNode().put("sku", "LOAD-001").put("qty", 1).put("account", "acc-load-001").put("amount", new java.math.BigDecimal("0.01"));
    }

    private static List<Breaker> orderBreakers() {
        return List.of(breaker("sku", null, s(""), s("lower-case"), s("A".repeat(33)), s(" LOAD-001"), s("LOAD_001"), F.arrayNode()),
                breaker("qty", null, n(0), n(-1), n(10_001), F.numberNode(2_147_483_648L), F.numberNode(1.5), s("one"), F.arrayNode()),
                breaker("account", null, s(""), s("UPPER"), s("a".repeat(33)), s("a b"), F.objectNode()),
                breaker("amount", null, n(0), dec("-0.01"), dec("0.001"), dec("1000000000.01"), dec("1e400"), s("abc")));
    }

    private static ObjectNode inventoryOp() {
        return F.objectNode().put("sku", "LOAD-001").put("qty", 1);
    }

    private static ObjectNode paymentOp() {
        return F.objectNode().put("account", "acc-load-001").put("amount", new java.math.BigDecimal("0.01"));
    }

    private static List<Breaker> inventoryBreakers() {
        return List.of(new Breaker(List.of("operation", "sku"), values(null, s(""), s("lower"), s("A".repeat(33)))),
                new Breaker(List.of("operation", "qty"), values(null, n(0), n(-3), n(10_001), F.numberNode(1.5), s("two"))));
    }

    private static List<Breaker> paymentBreakers() {
        return List.of(new Breaker(List.of("operation", "account"), values(null, s(""), s("UPPER"), s("a b"))),
                new Breaker(List.of("operation", "amount"), values(null, n(0), dec("-1"), dec("0.001"), dec("1e12"), s("ten"))));
    }

    private static ObjectNode branch(String participant, ObjectNode op) {
        ObjectNode b = F.objectNode().put("participant", participant);
        b.set("operation", op);
        return b;
    }

    private static Breaker breaker(String field, JsonNode... values) {
        return new Breaker(List.of(field), values(values));
    }

    /** A list that may hold null ("leave the field out"), which List.of may not. */
    private static List<JsonNode> values(JsonNode... values) {
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(values));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static JsonNode s(String text) {
        return F.textNode(text);
    }

    private static JsonNode n(long value) {
        return F.numberNode(value);
    }

    private static JsonNode dec(String value) {
        return F.numberNode(new java.math.BigDecimal(value));
    }
}
