package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.input.Bodies;
import dev.pledge.chaos.input.Credentials;
import dev.pledge.chaos.input.Endpoint;
import dev.pledge.chaos.input.Endpoints;
import dev.pledge.chaos.input.Fingerprint;
import dev.pledge.chaos.input.ProtectedEndpoints;
import dev.pledge.chaos.input.ProtectedEndpoints.Protected;
import dev.pledge.chaos.net.Redelivery;
import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;
import dev.pledge.identity.TokenMinter;
import dev.pledge.stack.FileTrees;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * Bad input. With the system quiet, a fingerprint of every table of the four databases is taken; then the
 * table of named cases and {@code faults} generated bodies per endpoint are sent, each of which must get a
 * 4xx answer with an RFC 9457 problem body (never a 5xx), and the fingerprint must come out the same.
 * Then the cases that are allowed to change something are checked for what exactly they change: a
 * repeated begin with the same Idempotency-Key, an abort of a branch before its prepare, a repeated
 * prepare. Last, a poison record on each saga topic must reach its dead-letter topic. Every endpoint that checks
 * its caller also gets bad credentials (none, not a token, expired, too old, for another service, an untrusted
 * key, altered, unsigned, a subject that is not its key's owner: 401) and good tokens of callers whose role may not
 * (403), before the second fingerprint; the lab's crash points and saga silence must be untouched after them.
 */
final class BadInputCampaign implements Campaign {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM = "application/problem+json";

    /** A named request and the status it must get. */
    record Case(String name, String method, String url, String contentType, String body, int status,
            String idempotencyKey) {
        Case(String name, String method, String url, String contentType, String body, int status) {
            this(name, method, url, contentType, body, status, null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> problems = new ArrayList<>();
    private long requests;
    private int bad;
    /** The campaign acts as the operator, in the lab: its branch ids are lab probes ({@code probe-...}). */
    private TokenMinter operator;

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Databases db = Databases.of(stack);
        operator = stack.identities().minter(Caller.OPERATOR);
        String coordinator = stack.service(Stack.COORDINATOR).baseUrl();
        String inventory = stack.service(Stack.INVENTORY).baseUrl();
        String payment = stack.service(Stack.PAYMENT).baseUrl();
        String saga = stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl();
        String runId = "probe-bad-input-" + settings.seed() + "-" + Long.toString(System.currentTimeMillis(), 36);
        KafkaLogin kafka = stack.kafka().login(KafkaLogin.OPERATOR); // the operator's tools publish and read as it

        progress.accept("waiting for quiet, then a fingerprint of every table");
        Checker.awaitQuiet(db, settings.quiet(), progress);
        Fingerprint before = Fingerprint.of(db);
        long offsetsBefore = endOffsets(kafka, Redelivery.SAGA_TOPICS);

        List<Case> table = table(coordinator, inventory, payment, saga, runId);
        progress.accept("table: " + table.size() + " named cases");
        for (Case c : table) {
            expect(c);
        }
        List<Endpoint> endpoints = Endpoints.all(coordinator, inventory, payment, saga, runId);
        Bodies bodies = new Bodies(settings.seed());
        for (Endpoint e : endpoints) {
            int before5xx = problems.size();
            for (int n = 0; n < settings.faults(); n++) {
                Bodies.Body body = bodies.next(e);
                expect(new Case(e.name() + " with " + body.how(), "POST", e.baseUrl() + e.path().apply(n),
                        "application/json", body.text(), -1));
            }
            progress.accept(String.format(Locale.ROOT, "  %-45s %d generated bodies, %d answered wrongly", e.name(),
                    settings.faults(), problems.size() - before5xx));
        }
        credentials(stack, settings, coordinator, inventory, payment, saga, runId, progress);
        Sleeper.pause(Duration.ofSeconds(1)); // anything a bad request set off would have written by now
        Fingerprint after = Fingerprint.of(db);
        List<String> changes = after.changesSince(before);
        changes.forEach(c -> problems.add("bad input changed the database: " + c));
        if (endOffsets(kafka, Redelivery.SAGA_TOPICS) != offsetsBefore) {
            problems.add("bad input published records on the saga topics");
        }
        progress.accept("fingerprint after " + requests + " bad requests: "
                + (changes.isEmpty() ? "every table unchanged" : changes.size() + " tables changed"));

        progress.accept("cases that may change something, checked for exactly what they change");
        StatefulCases stateful = new StatefulCases(http, db, coordinator, inventory, saga, runId, problems::add, progress,
                operator);
        stateful.run();
        requests += stateful.requests();

        progress.accept("poison records on the saga topics");
        int poisoned = poison(kafka, runId, progress);
        bad += poisoned;

        Checker.awaitQuiet(db, settings.quiet(), progress);
        problems.forEach(p -> progress.accept("  ! " + p));
        return new CampaignRow(Name.BAD_INPUT.label(), settings.seed(), 1, requests, bad, stateful.committed(),
                stateful.aborted(), 0, changes.size(), 0, -1, -1, -1, problems, List.of());
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

    /**
     * Bad and wrong-role credentials on every protected endpoint, {@code faults / 40} rounds (at least one) of
     * freshly made tokens; then the lab hooks must be as they were (nothing armed, paused or silenced).
     */
    private void credentials(Stack stack, Settings settings, String coordinator, String inventory, String payment,
                             String saga, String runId, Consumer<String> progress) throws IOException {
        java.nio.file.Path strangerDir = java.nio.file.Files.createTempDirectory("pledge-stranger-");
        try {
            Credentials credentials = new Credentials(operator, stack.identities().minter(Caller.INVENTORY),
                    Identities.in(strangerDir).ensure().minter(Caller.OPERATOR));
            Random random = new Random(settings.seed());
            int rounds = Math.max(1, settings.faults() / 40);
            // each caller's key read once (a minter also keeps its token until shortly before it expires)
            java.util.Map<Caller, TokenMinter> callers = new java.util.EnumMap<>(Caller.class);
            for (Protected p : ProtectedEndpoints.all(coordinator, inventory, payment, saga, runId)) {
                int before = problems.size();
                long sent = requests;
                for (int round = 0; round < rounds; round++) {
                    List<Credentials.Bad> bad = new ArrayList<>(credentials.unauthenticated(p.audience(), random));
                    p.wrongRoles().forEach(c -> bad.add(Credentials.wrongRole(
                            callers.computeIfAbsent(c, stack.identities()::minter), p.audience())));
                    for (Credentials.Bad b : bad) {
                        expect(new Case(p.name() + " with " + b.how(), p.method(), p.url(),
                                p.body() == null ? null : "application/json", p.body(), b.status()),
                                Optional.ofNullable(b.authorization()));
                    }
                }
                progress.accept(String.format(Locale.ROOT, "  %-50s %d bad credentials, %d answered wrongly", p.name(),
                        requests - sent, problems.size() - before));
            }
        } finally {
            FileTrees.delete(strangerDir);
        }
        try {
            checkLabHooksUntouched(coordinator, inventory, payment, saga);
        } finally {
            // a hook wrongly armed would halt a service in the cases that follow: undo whatever it is
            for (String url : List.of(coordinator, inventory, payment, saga)) {
                send("DELETE", url + "/admin/crash-points");
            }
            send("DELETE", inventory + "/admin/saga-silence/reserve");
            send("DELETE", payment + "/admin/saga-silence/charge");
        }
    }

    private void checkLabHooksUntouched(String coordinator, String inventory, String payment, String saga) {
        for (String url : List.of(coordinator, inventory, payment, saga)) {
            JsonNode points = getJson(url + "/admin/crash-points");
            if (points == null || points.path("armed").isTextual() || points.path("paused").size() > 0) {
                problems.add("after the bad credentials, " + url + "/admin/crash-points shows " + points);
            }
        }
        for (String url : List.of(inventory, payment)) {
            JsonNode silenced = getJson(url + "/admin/saga-silence");
            if (silenced == null || silenced.size() > 0) {
                problems.add("after the bad credentials, " + url + "/admin/saga-silence shows " + silenced);
            }
        }
    }

    /** Sends a request as the operator and ignores its answer (clean-up). */
    private void send(String method, String url) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", operator.bearer(Caller.EVERY_SERVICE))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            problems.add(method + " " + url + ": no answer (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private JsonNode getJson(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The order with one field's JSON value replaced, or removed when the value is null. */
    private static String replaceField(String json, String field, String value) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
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

    /**
     * Sends one bad request. {@code status} is the exact status it must get, or -1 for any 4xx; either way
     * the body must be a problem (RFC 9457).
     */
    private void expect(Case c) {
        expect(c, Optional.of(operator.bearer(Caller.EVERY_SERVICE)));
    }

    /** Sends one bad request with this Authorization header (none when empty). */
    private void expect(Case c, Optional<String> authorization) {
        requests++;
        bad++;
        String name = c.name();
        int status = c.status();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.url())).timeout(Duration.ofSeconds(30)).method(c.method(),
                c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        if (c.idempotencyKey() != null) {
            b.header("Idempotency-Key", c.idempotencyKey());
        }
        authorization.ifPresent(a -> b.header("Authorization", a));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            boolean statusOk = status == -1 ? r.statusCode() >= 400 && r.statusCode() < 500 : r.statusCode() == status;
            if (!statusOk) {
                problems.add(name + ": expected " + (status == -1 ? "a 4xx" : status) + ", got " + r.statusCode() + " "
                        + abbreviate(r.body()));
            } else if (!type.startsWith(PROBLEM) || !isProblem(r.body(), r.statusCode())) {
                problems.add(name + ": " + r.statusCode() + " without a problem body (Content-Type '" + type + "')");
            }
        } catch (IOException e) {
            problems.add(name + ": no answer (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static boolean isProblem(String body, int status) {
        try {
            JsonNode p = JSON.readTree(body);
            return p != null && p.path("status").asInt() == status && p.hasNonNull("title") && p.hasNonNull("detail");
        } catch (IOException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    private static long endOffsets(KafkaLogin kafka, List<String> topics) {
        try (KafkaConsumer<String, String> c = consumer(kafka)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static KafkaConsumer<String, String> consumer(KafkaLogin kafka) {
        return consumer(kafka, new Properties());
    }

    private static KafkaConsumer<String, String> consumer(KafkaLogin kafka, Properties extra) {
        Properties p = kafka.properties(Map.of());
        p.putAll(extra);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p);
    }

    /** The dead-letter topics each saga topic's consumers use. */
    static final List<String[]> DEAD_LETTERS = List.of(
            new String[] {"saga.inventory.commands", "saga.inventory.commands.dlq"},
            new String[] {"saga.payment.commands", "saga.payment.commands.dlq"},
            new String[] {"saga.replies", "saga.replies.dlq"},
            new String[] {"saga.order.events", "saga.order.events.inventory.dlq"},
            new String[] {"saga.order.events", "saga.order.events.payment.dlq"},
            new String[] {"saga.order.events", "saga.order.events.observer.dlq"});

    /** Publishes one unreadable record per saga topic and checks each reaches every dead-letter topic it should. */
    private int poison(KafkaLogin kafka, String runId, Consumer<String> progress) {
        List<String> dlqs = DEAD_LETTERS.stream().map(d -> d[1]).toList();
        Properties rp = new Properties();
        rp.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaLogin.toolGroup(runId + "-dead-letters"));
        rp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // the run id marks this run's records
        try (KafkaConsumer<String, String> reader = consumer(kafka, rp)) {
            reader.subscribe(dlqs);
            Properties p = kafka.properties(Map.of());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            int sent = 0;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (String topic : Redelivery.SAGA_TOPICS) {
                    producer.send(new ProducerRecord<>(topic, runId, "poison " + runId + " for " + topic + ": {not json"));
                    sent++;
                }
                producer.flush();
            }
            List<String> missing = new ArrayList<>();
            DEAD_LETTERS.forEach(d -> missing.add(d[0] + " -> " + d[1]));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!missing.isEmpty() && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.value().startsWith("poison " + runId + " for ")) {
                        String from = r.value().substring(("poison " + runId + " for ").length(), r.value().indexOf(':'));
                        if (missing.remove(from + " -> " + r.topic())) {
                            progress.accept("  poison record of " + from + " reached " + r.topic());
                        }
                    }
                }
            }
            missing.forEach(m -> problems.add("a poison record did not reach its dead-letter topic: " + m));
            return sent;
        }
    }
}
