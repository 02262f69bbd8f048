package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.check.Checker;
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
        long offsetsBefore = PoisonRecords.endOffsets(kafka, Redelivery.SAGA_TOPICS);

        List<BadInputCases.Case> table = BadInputCases.table(coordinator, inventory, payment, saga, runId);
        progress.accept("table: " + table.size() + " named cases");
        for (BadInputCases.Case c : table) {
            expect(c);
        }
        List<Endpoint> endpoints = Endpoints.all(coordinator, inventory, payment, saga, runId);
        Bodies bodies = new Bodies(settings.seed());
        for (Endpoint e : endpoints) {
            int before5xx = problems.size();
            for (int n = 0; n < settings.faults(); n++) {
                Bodies.Body body = bodies.next(e);
                expect(new BadInputCases.Case(e.name() + " with " + body.how(), "POST", e.baseUrl() + e.path().apply(n),
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
        if (PoisonRecords.endOffsets(kafka, Redelivery.SAGA_TOPICS) != offsetsBefore) {
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
        int poisoned = PoisonRecords.send(kafka, runId, progress, problems);
        bad += poisoned;

        Checker.awaitQuiet(db, settings.quiet(), progress);
        problems.forEach(p -> progress.accept("  ! " + p));
        return new CampaignRow(Name.BAD_INPUT.label(), settings.seed(), 1, requests, bad, stateful.committed(),
                stateful.aborted(), 0, changes.size(), 0, -1, -1, -1, problems, List.of());
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
                        expect(new BadInputCases.Case(p.name() + " with " + b.how(), p.method(), p.url(),
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

    /**
     * Sends one bad request. {@code status} is the exact status it must get, or -1 for any 4xx; either way
     * the body must be a problem (RFC 9457).
     */
    private void expect(BadInputCases.Case c) {
        expect(c, Optional.of(operator.bearer(Caller.EVERY_SERVICE)));
    }

    /** Sends one bad request with this Authorization header (none when empty). */
    private void expect(BadInputCases.Case c, Optional<String> authorization) {
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
}
