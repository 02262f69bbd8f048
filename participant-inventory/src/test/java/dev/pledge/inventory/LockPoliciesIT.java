package dev.pledge.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.pledge.testing.CallersResource;
import dev.pledge.testing.KafkaResource;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The lock policies on a real PostgreSQL: a prepare that meets a row another branch holds waits, gives way or
 * times out as its policy says, and its NO names the row, the holder and the rule. Each test uses a product of
 * its own, so no test waits for another's rows.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "user", value = "inventory"))
@WithTestResource(CallersResource.class)
class LockPoliciesIT {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Inject
    AgroalDataSource db;

    @Test
    void aYoungerOrderGivesWayToAnOlderPreparedBranchUnderWaitDie(TestInfo test) throws SQLException {
        String sku = product(test);
        String holder = gid(test, "holder");
        assertThat(prepare(holder, sku, locking("wait-die", T0), 2000).getString("vote")).isEqualTo("YES");

        String younger = gid(test, "younger");
        JsonPath vote = prepare(younger, sku, locking("wait-die", T0.plusSeconds(1)), 2000);

        assertThat(vote.getString("vote")).isEqualTo("NO");
        assertThat(vote.getString("conflict.outcome")).isEqualTo("GIVE_WAY");
        assertThat(vote.getString("conflict.row")).isEqualTo("products(" + sku + ")");
        assertThat(vote.getString("conflict.holder")).isEqualTo(holder);
        assertThat(vote.getString("conflict.holderKind")).isEqualTo("PREPARED");
        assertThat(vote.getString("conflict.rule")).startsWith("wait-die");
        assertThat(vote.getString("reason")).contains("lock conflict on products(" + sku + ")").contains(holder);
        assertThat(preparedXacts(younger)).isZero();
        given().get("/branches/" + younger).then().statusCode(200).body("state", equalTo("ABORTED"))
                .body("reason", containsString(holder));
        abort(holder);
    }

    @Test
    void anOlderOrderWaitsForAYoungerHolderShowsTheWaitAndPreparesOnceItEnds(TestInfo test) {
        String sku = product(test);
        String holder = gid(test, "holder");
        assertThat(prepare(holder, sku, locking("wait-die", T0.plusSeconds(1)), 2000).getString("vote")).isEqualTo("YES");

        String older = gid(test, "older");
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(
                () -> prepare(older, sku, locking("wait-die", T0), 20_000));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath waits = given().get("/admin/lock-waits").then().statusCode(200).extract().jsonPath();
            Map<String, Object> wait = waits.getMap("find { it.gid == '" + older + "' }");
            assertThat(wait).as("the older prepare waits").isNotNull();
            assertThat(wait.get("row")).isEqualTo("products(" + sku + ")");
            assertThat(wait.get("policy")).isEqualTo("wait-die");
            assertThat(waits.getString("find { it.gid == '" + older + "' }.holders[0].gid")).isEqualTo(holder);
            assertThat(waits.getString("find { it.gid == '" + older + "' }.holders[0].kind")).isEqualTo("PREPARED");
        });
        assertThat(waiting).isNotDone();

        abort(holder);
        assertThat(waiting.join().getString("vote")).isEqualTo("YES");
        abort(older);
    }

    @Test
    void aWaitThatOutlivesItsTimeVotesNoNamingWhatItWaitedFor(TestInfo test) {
        String sku = product(test);
        String holder = gid(test, "holder");
        prepare(holder, sku, locking("wait-die", T0.plusSeconds(1)), 2000);

        String older = gid(test, "older");
        JsonPath vote = prepare(older, sku, locking("wait-die", T0), 700);

        assertThat(vote.getString("vote")).isEqualTo("NO");
        assertThat(vote.getString("conflict.outcome")).isEqualTo("TIME_OUT");
        assertThat(vote.getString("conflict.holder")).isEqualTo(holder);
        assertThat(vote.getString("reason")).startsWith("lock wait timed out after").contains("products(" + sku + ")");
        abort(holder);
    }

    @Test
    void noWaitGivesWayEvenToAYoungerHolder(TestInfo test) {
        String sku = product(test);
        String holder = gid(test, "holder");
        prepare(holder, sku, locking("no-wait", T0.plusSeconds(1)), 2000);

        JsonPath vote = prepare(gid(test, "older"), sku, locking("no-wait", T0), 5000);

        assertThat(vote.getString("conflict.outcome")).isEqualTo("GIVE_WAY");
        assertThat(vote.getString("conflict.rule")).startsWith("no-wait");
        abort(holder);
    }

    @Test
    void theWaitPolicyWaitsForAnOlderHolderUntilItsTimeRunsOut(TestInfo test) {
        String sku = product(test);
        String holder = gid(test, "holder");
        prepare(holder, sku, locking("wait", T0), 2000);

        JsonPath vote = prepare(gid(test, "younger"), sku, locking("wait", T0.plusSeconds(1)), 600);

        assertThat(vote.getString("conflict.outcome")).isEqualTo("TIME_OUT");
        assertThat(vote.getString("conflict.rule")).startsWith("wait:");
        assertThat(vote.getString("conflict.row")).as("read in full as its time ran out").isEqualTo("products(" + sku + ")");
        assertThat(vote.getString("conflict.holder")).isEqualTo(holder);
        abort(holder);
    }

    /**
     * Under the wait policy the watch reads no holders until a prepare's time nears its end, yet a wait it only
     * looked at is counted in pledge_lock_wait_seconds.
     */
    @Test
    void aWaitUnderTheWaitPolicyIsCountedThoughItsHoldersAreNotRead(TestInfo test) {
        String sku = product(test);
        String holder = gid(test, "holder");
        prepare(holder, sku, locking("wait", T0), 2000);
        long counted = lockWaitsCounted("wait");

        String waiter = gid(test, "waiter");
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(
                () -> prepare(waiter, sku, locking("wait", T0.plusSeconds(1)), 20_000));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given().get("/admin/lock-waits").then()
                .statusCode(200).extract().jsonPath().getList("gid")).contains(waiter));
        // many scans (every 10 ms) look at the wait before it ends, all far from the end of its time
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(waiting).isNotDone();

        abort(holder);
        assertThat(waiting.join().getString("vote")).isEqualTo("YES");
        assertThat(lockWaitsCounted("wait")).isGreaterThan(counted);
        abort(waiter);
    }

    private static long lockWaitsCounted(String policy) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("pledge_lock_wait_seconds_count{") && l.contains("policy=\"" + policy + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf("} ") + 2).split(" ")[0])).sum(); // before any exemplar
    }

    @Test
    void aHolderOfUnknownAgeIsTreatedAsOlder(TestInfo test) {
        String sku = product(test);
        String holder = gid(test, "holder");
        prepare(holder, sku, null, 2000); // a caller that sent no lock policy: its age is unknown

        JsonPath vote = prepare(gid(test, "requester"), sku, locking("wait-die", T0), 5000);

        assertThat(vote.getString("conflict.outcome")).isEqualTo("GIVE_WAY");
        assertThat(vote.getString("conflict.rule")).contains("unknown");
        abort(holder);
    }

    @Test
    void aLocalTransactionIsWaitedForUnderWaitDie(TestInfo test) throws SQLException {
        String sku = product(test);
        try (Connection session = db.getConnection()) {
            session.setAutoCommit(false);
            try (Statement s = session.createStatement()) {
                s.executeUpdate("UPDATE products SET stock = stock WHERE sku = '" + sku + "'");
            }
            JsonPath vote = prepare(gid(test, "requester"), sku, locking("wait-die", T0.plusSeconds(5)), 600);
            session.rollback();

            assertThat(vote.getString("conflict.outcome")).as("not given way: a session waits for no other database")
                    .isEqualTo("TIME_OUT");
            assertThat(vote.getString("conflict.holderKind")).isEqualTo("SESSION");
        }
    }

    @Test
    void aLockingWithAnUnknownPolicyIsAProblem400AndWritesNothing(TestInfo test) throws SQLException {
        String sku = product(test);
        String gid = gid(test, "bad");
        given().contentType(ContentType.JSON).body(Map.of("operation", Map.of("sku", sku, "qty", 1),
                        "locking", Map.of("policy", "wound-wait", "begunAt", T0.toString(), "firstAttempt", UUID.randomUUID().toString())))
                .post("/branches/" + gid + "/prepare").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", containsString("policy"));
        assertThat(queryInt("SELECT count(*) FROM branches WHERE gid = ?", gid)).isZero();
    }

    private static Map<String, Object> locking(String policy, Instant begunAt) {
        return Map.of("policy", policy, "begunAt", begunAt.toString(), "firstAttempt",
                UUID.nameUUIDFromBytes(begunAt.toString().getBytes()).toString());
    }

    private static JsonPath prepare(String gid, String sku, Map<String, Object> locking, long timeoutMs) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("operation", Map.of("sku", sku, "qty", 1),
                "timeoutMs", timeoutMs));
        if (locking != null) {
            body.put("locking", locking);
        }
        return given().contentType(ContentType.JSON).body(body).post("/branches/" + gid + "/prepare")
                .then().statusCode(200).extract().jsonPath();
    }

    private static void abort(String gid) {
        given().post("/branches/" + gid + "/abort").then().statusCode(200).body("state", equalTo("ABORTED"));
    }

    /** A product of the test's own, with plenty of stock. */
    private String product(TestInfo test) {
        String sku = ("LP-" + Integer.toHexString(test.getTestMethod().orElseThrow().getName().hashCode())).toUpperCase();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO products (sku, name, stock) VALUES (?, ?, 100) ON CONFLICT (sku) DO NOTHING")) {
            ps.setString(1, sku);
            ps.setString(2, "lock policy test " + sku);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sku;
    }

    private static String gid(TestInfo test, String role) {
        return "lp-" + test.getTestMethod().orElseThrow().getName().substring(0, 12) + "-" + role + "-" + System.nanoTime();
    }

    private int preparedXacts(String gid) throws SQLException {
        return queryInt("SELECT count(*) FROM pg_prepared_xacts WHERE gid = ?", gid);
    }

    private int queryInt(String sql, String arg) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
