package dev.pledge.coordinator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.pledge.identity.Caller;
import dev.pledge.testing.CallersResource;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The coordinator alone, on its real PostgreSQL; its participants are unreachable (see %test config). */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(CallersResource.class)
class CoordinatorIT {
    private static final String PROBLEM = "application/problem+json";
    private static final String GOOD = "{\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"25.00\",\"protocol\":\"2PC\"}";

    @Inject
    AgroalDataSource db;

    @Test
    void thisReplicaHoldsALiveLeaseInTheLog() {
        given().get("/admin/replicas").then().statusCode(200)
                .body("self", equalTo("127.0.0.1:8080"))
                .body("leases.find { it.nodeId == '127.0.0.1:8080' }.live", equalTo(true))
                .body("leases.find { it.nodeId == '127.0.0.1:8080' }.url", equalTo("http://127.0.0.1:8080"));
    }

    @Test
    void badOrdersAreProblemsAndWriteNothing() throws SQLException {
        long before = count("transactions");
        String[] bad = {
            GOOD.replace("\"qty\":1", "\"qty\":0"),
            GOOD.replace("25.00", "25.005"),
            GOOD.replace("25.00", "-1"),
            GOOD.replace("2PC", "4PC"),
            GOOD.replace("\"sku\":\"BOOK-001\",", ""),
            GOOD.replace("acc-alice", "Alice Smith"),
            "{\"sku\":",
            GOOD.replace("\"qty\":1", "\"quantity\":1"),
            GOOD.replace("}", ",\"timeoutMS\":500}"),
            "[]",
        };
        for (String body : bad) {
            given().contentType(ContentType.JSON).body(body).post("/orders")
                    .then().statusCode(400).contentType(PROBLEM).body("status", equalTo(400));
        }
        given().contentType(ContentType.TEXT).body(GOOD).post("/orders").then().statusCode(415).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body(GOOD.replace("\"qty\":1", "\"qty\":0")).post("/orders")
                .then().body("errors[0].field", equalTo("qty"));
        assertThat(count("transactions")).isEqualTo(before);
    }

    @Test
    void unreachableParticipantsAbortTheOrderAndTheTimelineShowsWhy() {
        String id = given().contentType(ContentType.JSON).body(GOOD).post("/orders").then().statusCode(201)
                .header("Location", containsString("/transactions/"))
                .body("outcome", equalTo("ABORTED")).body("decision", equalTo("ABORT"))
                .body("reason", containsString("unreachable"))
                .extract().path("id");

        List<String> messages = given().get("/transactions/" + id).then().statusCode(200)
                .body("branches.participant", hasItem("payment"))
                .extract().path("timeline.message");
        int decision = indexOf(messages, "decision ABORT forced to the log");
        assertThat(decision).as("decision logged").isPositive();
        assertThat(indexOf(messages, "abort ")).as("abort sent only after the decision is logged").isGreaterThan(decision);
        assertThat(indexOf(messages, "prepare ")).isLessThan(decision);

        given().get("/transactions?state=ABORTING,ABORTED").then().statusCode(200).body("id", hasItem(id));
    }

    @Test
    void preferReturnMinimalAnswersTheOutcomeWithoutTheTimeline() {
        String id = given().contentType(ContentType.JSON).header("Prefer", "handling=strict, return=minimal").body(GOOD)
                .post("/orders").then().statusCode(201)
                .header("Preference-Applied", "return=minimal")
                .header("Location", containsString("/transactions/"))
                .body("outcome", equalTo("ABORTED")).body("state", equalTo("ABORTING"))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("timeline")))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("branches")))
                .extract().path("id");
        // the timeline is written off the protocol's path; the whole of it arrives at the Location
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        List<String> messages;
        do {
            messages = given().get("/transactions/" + id).then().statusCode(200).extract().path("timeline.message");
        } while (messages.stream().noneMatch(m -> m.startsWith("no ack for abort")) && System.nanoTime() < deadline);
        assertThat(messages).anyMatch(m -> m.startsWith("no ack for abort"));
    }

    @Test
    void anUnknownTransactionIsAProblemOfItsOwnType() {
        given().get("/transactions/" + java.util.UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM)
                .body("type", equalTo("urn:pledge:problem:unknown-transaction"));
    }

    @Test
    void badTransactionsAreProblemsAndWriteNothing() throws SQLException {
        long before = count("transactions");
        String op = "\"operation\":{\"sku\":\"BOOK-001\",\"qty\":1}";
        String[] bad = {
            "{\"protocol\":\"2PC\",\"branches\":[{\"participant\":\"shipping\"," + op + "}]}",
            "{\"protocol\":\"2PC\",\"branches\":[]}",
            "{\"protocol\":\"2PC\",\"branches\":[{\"participant\":\"inventory\"," + op + "},{\"participant\":\"inventory\"," + op + "}]}",
            "{\"protocol\":\"2PC\",\"branches\":[{\"participant\":\"inventory\",\"url\":\"ftp://x\"," + op + "}]}",
            "{\"protocol\":\"2PC\",\"branches\":[{\"participant\":\"inventory\"}]}",
            "{\"protocol\":\"XA\",\"branches\":[{\"participant\":\"inventory\"," + op + "}]}",
            "{\"protocol\":\"2PC\",\"timeoutMs\":5,\"branches\":[{\"participant\":\"inventory\"," + op + "}]}",
        };
        for (String body : bad) {
            given().contentType(ContentType.JSON).body(body).post("/transactions")
                    .then().statusCode(400).contentType(PROBLEM);
        }
        given().contentType(ContentType.JSON).body(bad[0]).post("/transactions")
                .then().body("detail", containsString("unknown participant 'shipping'"));
        assertThat(count("transactions")).isEqualTo(before);
    }

    @Test
    void aGeneralTransactionRunsOverTheGivenBranches() {
        String body = "{\"protocol\":\"2pc\",\"timeoutMs\":2000,\"branches\":[{\"participant\":\"shipping\","
                + "\"url\":\"http://127.0.0.1:1/shipping\",\"operation\":{\"parcel\":1}}]}";
        given().contentType(ContentType.JSON).body(body).post("/transactions").then().statusCode(201)
                .body("protocol", equalTo("2PC")).body("outcome", equalTo("ABORTED"))
                .body("branches[0].url", equalTo("http://127.0.0.1:1/shipping"))
                .body("branches[0].operation.parcel", equalTo(1));
    }

    @Test
    void anOperatorCanRepeatButNeverReverseALoggedDecision() throws SQLException, InterruptedException {
        // participants unreachable: the abort is logged but never acknowledged, so the transaction stays ABORTING
        String id = given().contentType(ContentType.JSON).body(GOOD).post("/orders").then().statusCode(201)
                .body("state", equalTo("ABORTING")).extract().path("id");
        given().get("/transactions/in-doubt").then().statusCode(200).body("id", hasItem(id));

        given().contentType(ContentType.JSON).body("{\"outcome\":\"COMMIT\",\"by\":\"alice\",\"reason\":\"customer paid\"}")
                .header("Authorization", asOperator()).post("/transactions/" + id + "/force").then().statusCode(409).contentType(PROBLEM)
                .body("detail", containsString("cannot be reversed"));
        long forcedBefore = count("forced_outcomes");
        // recovery may be driving the transaction at this moment: that answer is 409 "try again", so try again
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        io.restassured.response.Response repeat = forceAbort(id);
        while (repeat.statusCode() == 409 && repeat.asString().contains("being driven right now")
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
            repeat = forceAbort(id);
        }
        repeat.then().statusCode(200).body("timeline.message",
                hasItem("operator alice (signed as operator) forced ABORT: payment gone"));
        assertThat(count("forced_outcomes")).isEqualTo(forcedBefore + 1);
        assertThat(authenticatedAs(id)).as("the audit row names the caller whose key signed").isEqualTo("operator");

        // no credential, or a caller that is not an operator: refused before anything is read or written
        given().noFilters().contentType(ContentType.JSON).body("{\"outcome\":\"ABORT\",\"by\":\"alice\",\"reason\":\"r\"}")
                .post("/transactions/" + id + "/force").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"));
        for (Caller notAnOperator : new Caller[] {Caller.COORDINATOR, Caller.INVENTORY, Caller.SAGA_ORCHESTRATOR, Caller.DASHBOARD}) {
            given().contentType(ContentType.JSON).body("{\"outcome\":\"ABORT\",\"by\":\"alice\",\"reason\":\"r\"}")
                    .header("Authorization", CallersResource.minter(notAnOperator).bearer(Caller.EVERY_SERVICE))
                    .post("/transactions/" + id + "/force").then().statusCode(403).contentType(PROBLEM);
        }
        assertThat(count("forced_outcomes")).isEqualTo(forcedBefore + 1);

        for (String bad : new String[] {"{\"outcome\":\"MAYBE\",\"by\":\"a\",\"reason\":\"r\"}",
                "{\"outcome\":\"ABORT\",\"by\":\"\",\"reason\":\"r\"}", "{\"outcome\":\"ABORT\",\"by\":\"a\"}"}) {
            given().contentType(ContentType.JSON).body(bad).header("Authorization", asOperator())
                    .post("/transactions/" + id + "/force")
                    .then().statusCode(400).contentType(PROBLEM);
        }
        assertThat(count("forced_outcomes")).isEqualTo(forcedBefore + 1);
        given().contentType(ContentType.JSON).body("{\"outcome\":\"ABORT\",\"by\":\"a\",\"reason\":\"r\"}")
                .header("Authorization", asOperator()).post("/transactions/6b1f8a53-0000-4000-8000-000000000000/force").then().statusCode(404).contentType(PROBLEM);
    }

    private static io.restassured.response.Response forceAbort(String id) {
        return given().contentType(ContentType.JSON).body("{\"outcome\":\"ABORT\",\"by\":\"alice\",\"reason\":\"payment gone\"}")
                .header("Authorization", asOperator()).post("/transactions/" + id + "/force");
    }

    private static String asOperator() {
        return CallersResource.minter(Caller.OPERATOR).bearer(Caller.EVERY_SERVICE);
    }

    private String authenticatedAs(String id) throws SQLException {
        try (Connection c = db.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT authenticated_as FROM forced_outcomes WHERE tx_id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void unknownOrMalformedTransactionIdsAreProblems() {
        given().get("/transactions/6b1f8a53-0000-4000-8000-000000000000").then().statusCode(404).contentType(PROBLEM);
        given().get("/transactions/not-a-uuid").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("UUID"));
        given().get("/transactions?state=MAYBE").then().statusCode(400).contentType(PROBLEM);
        given().get("/transactions?limit=0").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void repeatedFailuresOpenAParticipantsCircuitBreaker() {
        for (int i = 0; i < 4; i++) {
            given().contentType(ContentType.JSON).body(GOOD).post("/orders").then().statusCode(201)
                    .body("outcome", equalTo("ABORTED"));
        }
        // the test participants never answer: no heartbeat (so no suspicion), and their circuits open
        given().get("/participants").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.contains("inventory", "payment"))
                .body("[0].suspected", equalTo(false))
                .body("[0].phi", org.hamcrest.Matchers.nullValue())
                .body("circuit", org.hamcrest.Matchers.everyItem(equalTo("OPEN")));
        given().contentType(ContentType.JSON).body(GOOD).post("/orders").then().statusCode(201)
                .body("reason", containsString("circuit breaker is open"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'lease' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'lease' }.data.node", equalTo("127.0.0.1:8080"))
                .body("checks.find { it.name == 'lease' }.data.'expires-at'", org.hamcrest.Matchers.notNullValue());
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/orders"));
    }

    private static int indexOf(List<String> messages, String prefix) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private long count(String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
