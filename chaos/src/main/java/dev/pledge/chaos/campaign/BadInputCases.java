package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The bad-input campaign's named requests, each with the status it must get. */
final class BadInputCases {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BadInputCases() {
    }

    /** A named request and the status it must get. */
    record Case(String name, String method, String url, String contentType, String body, int status,
            String idempotencyKey) {
        Case(String name, String method, String url, String contentType, String body, int status) {
            this(name, method, url, contentType, body, status, null);
        }
    }

    /** The named cases: malformed and mistyped bodies, wrong content types, sizes, ids and methods. */
    static List<Case> table(String coordinator, String inventory, String payment, String saga, String runId) {
        String order = "{\"sku\":\"LOAD-001\",\"qty\":1,\"account\":\"acc-load-001\",\"amount\":0.01,\"protocol\":\"2pc\"}";
        String unknownTx = UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8)).toString();
        String big = "{\"sku\":\"" + "A".repeat(300 * 1024) + "\"}";
        List<Case> t = new ArrayList<>();
        for (String[] e : new String[][] {{coordinator, "/orders"}, {coordinator, "/transactions"}, {saga, "/sagas/orders"},
                {inventory, "/branches/" + runId + "-t1/prepare"}, {payment, "/branches/" + runId + "-t2/prepare"},
                {inventory, "/branches/" + runId + "-t3/can-commit"}}) {
            String u = e[0] + e[1];
            t.add(new Case("malformed JSON to " + e[1], "POST", u, "application/json", "{\"sku\":", 400));
            t.add(new Case("empty body to " + e[1], "POST", u, "application/json", "", 400));
            t.add(new Case("wrong content type to " + e[1], "POST", u, "text/plain", order, 415));
            t.add(new Case("form content type to " + e[1], "POST", u, "application/x-www-form-urlencoded", "sku=LOAD-001", 415));
            t.add(new Case("oversized body (300 KiB) to " + e[1], "POST", u, "application/json", big, 413));
            t.add(new Case("JSON array to " + e[1], "POST", u, "application/json", "[" + order + "]", 400));
        }
        String sagaOrder = replaceField(order, "protocol", null);
        String[][] fields = {{"qty", "0"}, {"qty", "-1"}, {"qty", "10001"}, {"qty", "1.5"}, {"qty", "99999999999"},
            {"amount", "0"}, {"amount", "-5.00"}, {"amount", "0.001"}, {"amount", "1000000000.01"}, {"amount", "1e400"},
            {"amount", "\"NaN\""}, {"sku", "\"\""}, {"account", "null"}};
        for (String[] f : fields) {
            t.add(new Case("order with " + f[0] + " " + f[1], "POST", coordinator + "/orders", "application/json",
                    replaceField(order, f[0], f[1]), 400));
            t.add(new Case("saga order with " + f[0] + " " + f[1], "POST", saga + "/sagas/orders", "application/json",
                    replaceField(sagaOrder, f[0], f[1]), 400));
        }
        t.add(new Case("order with protocol 4pc", "POST", coordinator + "/orders", "application/json",
                replaceField(order, "protocol", "\"4pc\""), 400));
        t.add(new Case("order with an unknown field", "POST", coordinator + "/orders", "application/json",
                order.replace("}", ",\"discount\":5}"), 400));
        t.add(new Case("order with a bad Idempotency-Key", "POST", coordinator + "/orders", "application/json", order, 400,
                "has spaces"));
        t.add(new Case("saga order with an Idempotency-Key of 129 characters", "POST", saga + "/sagas/orders",
                "application/json", sagaOrder, 400, "k".repeat(129)));
        // the coordinator's token goes only to the configured participants: a branch may not move one elsewhere
        t.add(new Case("transaction sending a configured participant to another url", "POST", coordinator + "/transactions",
                "application/json", "{\"protocol\":\"2pc\",\"branches\":[{\"participant\":\"inventory\",\"url\":"
                        + "\"http://127.0.0.1:9\",\"operation\":{\"sku\":\"LOAD-001\",\"qty\":1}}]}", 400));
        t.add(new Case("unknown transaction", "GET", coordinator + "/transactions/" + unknownTx, null, null, 404));
        t.add(new Case("transaction id that is not a UUID", "GET", coordinator + "/transactions/not-a-uuid", null, null, 400));
        t.add(new Case("force of an unknown transaction", "POST", coordinator + "/transactions/" + unknownTx + "/force",
                "application/json", "{\"outcome\":\"ABORT\",\"by\":\"bad-input\",\"reason\":\"unknown id\"}", 404));
        t.add(new Case("transactions filtered by an unknown state", "GET", coordinator + "/transactions?state=NOPE", null, null, 400));
        t.add(new Case("transactions with limit 0", "GET", coordinator + "/transactions?limit=0", null, null, 400));
        t.add(new Case("unknown saga", "GET", saga + "/sagas/" + unknownTx, null, null, 404));
        t.add(new Case("sagas filtered by an unknown status", "GET", saga + "/sagas?status=NOPE", null, null, 400));
        t.add(new Case("saga order with an unknown flow", "POST", saga + "/sagas/orders", "application/json",
                "{\"sku\":\"LOAD-001\",\"qty\":1,\"account\":\"acc-load-001\",\"amount\":0.01,\"flow\":\"telepathy\"}", 400));
        t.add(new Case("unknown branch", "GET", inventory + "/branches/" + runId + "-none", null, null, 404));
        t.add(new Case("commit of a branch never prepared", "POST", inventory + "/branches/" + runId + "-none/commit", null, null, 409));
        t.add(new Case("pre-commit of a branch never asked", "POST", payment + "/branches/" + runId + "-none/pre-commit", null, null, 404));
        t.add(new Case("do-commit of a branch never asked", "POST", payment + "/branches/" + runId + "-none/do-commit", null, null, 409));
        t.add(new Case("branch id with a space", "GET", inventory + "/branches/a%20b", null, null, 400));
        t.add(new Case("branch id of 129 characters", "POST", inventory + "/branches/probe-" + "g".repeat(123) + "/abort", null, null, 400));
        t.add(new Case("unknown product", "GET", inventory + "/products/NO-SUCH-SKU", null, null, 404));
        t.add(new Case("unknown account", "GET", payment + "/accounts/no-such-account", null, null, 404));
        t.add(new Case("unknown crash point", "PUT", coordinator + "/admin/crash-points/no-such-point", null, null, 400));
        t.add(new Case("saga silence of an unknown verb", "PUT", payment + "/admin/saga-silence/teleport", null, null, 400));
        t.add(new Case("wrong method on /orders", "PUT", coordinator + "/orders", "application/json", order, 405));
        t.add(new Case("unknown path", "GET", coordinator + "/no-such-path", null, null, 404));
        return t;
    }

    /** The order with one field's JSON value replaced, or removed when the value is null. */
    static String replaceField(String json, String field, String value) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(json);
            if (value == null) {
                o.remove(field);
                return o.toString();
            }
            String placeholder = "\"@@" + field + "@@\"";
            o.put(field, "@@" + field + "@@");
            return o.toString().replace(placeholder, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
