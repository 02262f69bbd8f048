package dev.pledge.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;
import dev.pledge.identity.TokenMinter;
import dev.pledge.testing.CallersResource;
import dev.pledge.testing.KafkaResource;
import dev.pledge.testing.PostgresResource;
import dev.pledge.testing.StateDirs;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "user", value = "inventory"))
@WithTestResource(CallersResource.class)
class InventoryIT {
    private static final String PROBLEM = "application/problem+json";

    @Inject
    AgroalDataSource db;

    @Test
    void readsASeededProduct() {
        given().get("/products/BOOK-001").then().statusCode(200)
                .body("sku", equalTo("BOOK-001")).body("stock", equalTo(100));
        given().get("/products").then().statusCode(200).body("sku", hasItem("SOLD-OUT"));
    }

    @Test
    void unknownProductIsAProblem404() {
        given().get("/products/NOPE-1").then().statusCode(404).contentType(PROBLEM)
                .body("status", equalTo(404)).body("detail", containsString("NOPE-1"));
    }

    @Test
    void malformedSkuIsAProblem400() {
        given().get("/products/bad sku!").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("sku"));
    }

    /**
     * Only the coordinator decides a branch: a call without a token, with a token this service cannot verify
     * (unknown key, expired, for another audience, a subject that is not its key's owner), or from a caller of
     * another role is refused, and the prepared branch and its rows stay as they were.
     */
    @Test
    void onlyTheCoordinatorMayDecideAPreparedBranch(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "LAMP-007", 1).body("vote", equalTo("YES"));
        int stock = stock("LAMP-007");
        TokenMinter coordinator = CallersResource.minter(Caller.COORDINATOR);
        TokenMinter stranger = Identities.in(StateDirs.fresh("stranger")).ensure().minter(Caller.COORDINATOR);
        Instant now = Instant.now();
        List<String> participants = List.of(Caller.INVENTORY.id());
        Map<String, String> unauthenticated = Map.of(
                "a coordinator key this service does not trust", stranger.bearer(participants),
                "an expired token", "Bearer " + coordinator.sign(participants, now.minus(Duration.ofMinutes(10)),
                        Duration.ofMinutes(2), Map.of()),
                "a token for the coordinator's audience", coordinator.bearer(Caller.FOR_COORDINATOR),
                "the coordinator's token for payment", coordinator.bearer(Caller.PAYMENT.id()),
                "inventory's key naming the coordinator as subject", "Bearer " + CallersResource.minter(Caller.INVENTORY)
                        .sign(participants, now, Duration.ofMinutes(1), Map.of("sub", "coordinator")),
                "not a token", "Bearer not.a.token");
        Map<String, String> forbidden = Map.of(
                "a peer participant", CallersResource.minter(Caller.PAYMENT).bearer(participants),
                "a peer claiming the coordinator's role", "Bearer " + CallersResource.minter(Caller.PAYMENT)
                        .sign(participants, now, Duration.ofMinutes(1), Map.of("groups", List.of("coordinator"))),
                "the operator, outside the lab", CallersResource.minter(Caller.OPERATOR).bearer(Caller.EVERY_SERVICE));
        for (String verb : List.of("commit", "abort", "do-commit")) {
            given().noFilters().post("/branches/" + gid + "/" + verb).then().statusCode(401).contentType(PROBLEM)
                    .header("WWW-Authenticate", containsString("Bearer"));
            unauthenticated.forEach((what, header) -> given().header("Authorization", header)
                    .post("/branches/" + gid + "/" + verb).then().statusCode(401).contentType(PROBLEM)
                    .body("detail", containsString("token")));
            forbidden.forEach((what, header) -> given().header("Authorization", header)
                    .post("/branches/" + gid + "/" + verb).then().statusCode(403).contentType(PROBLEM)
                    .body("detail", containsString("only the coordinator decides a branch")));
        }
        String peer = CallersResource.minter(Caller.PAYMENT).bearer(participants);
        given().header("Authorization", peer).post("/branches/" + gid + "/pre-commit").then().statusCode(403)
                .contentType(PROBLEM).body("detail", containsString("only the coordinator decides a branch"));
        given().header("Authorization", peer).header("Pledge-Epoch", Long.MAX_VALUE).get("/branches/" + gid)
                .then().statusCode(403).contentType(PROBLEM).body("detail", containsString("only the coordinator fences"));
        given().header("Authorization", CallersResource.minter(Caller.OPERATOR).bearer(Caller.EVERY_SERVICE))
                .contentType(ContentType.JSON).body("{\"operation\":{\"sku\":\"LAMP-007\",\"qty\":1}}")
                .post("/branches/probe-" + gid + "/prepare").then().statusCode(403).contentType(PROBLEM);
        assertThat(preparedXacts(gid)).as("still prepared after every refused call").isEqualTo(1);
        assertThat(preparedXacts("probe-" + gid)).isZero();
        assertThat(stock("LAMP-007")).isEqualTo(stock);

        given().header("Authorization", coordinator.bearer(participants)).post("/branches/" + gid + "/abort")
                .then().statusCode(200).body("state", equalTo("ABORTED"));
        assertThat(preparedXacts(gid)).isZero();
    }

    /** Started as any service is outside the local stack (no lab switch): no fault hook can be reached. */
    @Test
    void withoutTheLabSwitchTheFaultHooksDoNotExist() {
        given().get("/admin/crash-points").then().statusCode(404);
        given().put("/admin/crash-points/after-prepare").then().statusCode(404);
        given().put("/admin/crash-points/after-prepare/pause?millis=1000").then().statusCode(404);
        given().delete("/admin/crash-points").then().statusCode(404);
        given().put("/admin/saga-silence/reserve").then().statusCode(404);
        given().get("/admin/saga-silence").then().statusCode(404);
        // the read-only admin views stay
        given().get("/admin/prepared-branches").then().statusCode(200);
    }

    @Test
    void preparedBranchIsARealPreparedTransactionAndCommitMovesStock(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "LAMP-007", 2).body("vote", equalTo("YES")).body("state", equalTo("PREPARED"));
        assertThat(preparedXacts(gid)).isEqualTo(1);
        assertThat(stock("LAMP-007")).as("not visible before commit").isEqualTo(20);

        given().post("/branches/" + gid + "/commit").then().statusCode(200).body("state", equalTo("COMMITTED"));
        assertThat(stock("LAMP-007")).isEqualTo(18);
        assertThat(preparedXacts(gid)).isZero();

        // every repeat is harmless and answers the same
        given().post("/branches/" + gid + "/commit").then().statusCode(200).body("state", equalTo("COMMITTED"));
        prepare(gid, "LAMP-007", 2).body("vote", equalTo("YES")).body("state", equalTo("COMMITTED"));
        assertThat(stock("LAMP-007")).isEqualTo(18);
        given().post("/branches/" + gid + "/abort").then().statusCode(409).contentType(PROBLEM);
    }

    /**
     * Fencing of coordinator replicas: once a branch has been called under epoch 2 (a replica took the
     * transaction over), a call under epoch 1 (the replica that lost it) is refused and changes nothing.
     */
    @Test
    void aCallUnderAnOlderEpochThanOneSeenIsRefusedAndChangesNothing(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "LOAD-009", 1).body("vote", equalTo("YES"));
        given().header("Pledge-Epoch", 2).post("/branches/" + gid + "/commit").then().statusCode(200)
                .body("state", equalTo("COMMITTED"));
        assertThat(queryInt("SELECT epoch FROM branch_fences WHERE gid = ?", gid)).isEqualTo(2);

        given().header("Pledge-Epoch", 1).post("/branches/" + gid + "/abort").then().statusCode(412).contentType(PROBLEM)
                .body("type", equalTo("urn:pledge:problem:stale-epoch")).body("detail", containsString("epoch 2"));
        given().header("Pledge-Epoch", 1).post("/branches/" + gid + "/commit").then().statusCode(412);
        given().header("Pledge-Epoch", 3).post("/branches/" + gid + "/commit").then().statusCode(200);
        assertThat(queryInt("SELECT epoch FROM branch_fences WHERE gid = ?", gid)).as("the newest epoch kept").isEqualTo(3);
        given().header("Pledge-Epoch", 0).post("/branches/" + gid + "/commit").then().statusCode(400).contentType(PROBLEM);
        given().get("/branches/" + gid).then().statusCode(200).body("state", equalTo("COMMITTED"));
    }

    @Test
    void theFirstEpochWritesNoFence(TestInfo test) throws SQLException {
        String gid = gid(test);
        given().header("Pledge-Epoch", 1).contentType(ContentType.JSON)
                .body("{\"operation\":{\"sku\":\"LOAD-009\",\"qty\":1}}").post("/branches/" + gid + "/prepare")
                .then().statusCode(200).body("vote", equalTo("YES"));
        given().header("Pledge-Epoch", 1).post("/branches/" + gid + "/abort").then().statusCode(200);
        assertThat(queryInt("SELECT count(*) FROM branch_fences WHERE gid = ?", gid)).isZero();
    }

    @Test
    void insufficientStockVotesNoAndChangesNothing(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "RARE-1", 2).body("vote", equalTo("NO"))
                .body("reason", containsString("insufficient stock for RARE-1: 1 left, 2 requested"));
        assertThat(stock("RARE-1")).isEqualTo(1);
        assertThat(preparedXacts(gid)).isZero();
        given().post("/branches/" + gid + "/commit").then().statusCode(409).contentType(PROBLEM);
        given().get("/branches/" + gid).then().statusCode(200).body("state", equalTo("ABORTED"));
    }

    @Test
    void abortBeforePrepareMakesTheLaterPrepareVoteNo(TestInfo test) throws SQLException {
        String gid = gid(test);
        given().post("/branches/" + gid + "/abort").then().statusCode(200).body("state", equalTo("ABORTED"));
        prepare(gid, "BOOK-001", 1).body("vote", equalTo("NO"));
        assertThat(preparedXacts(gid)).isZero();
        assertThat(stock("BOOK-001")).isEqualTo(100);
    }

    @Test
    void preparedBranchHoldsItsRowLockUntilAborted(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "MUG-042", 5).body("vote", equalTo("YES"));
        assertThatThrownBy(() -> touch("MUG-042")).isInstanceOf(SQLException.class)
                .hasMessageContaining("lock timeout");
        given().get("/admin/prepared-branches").then().statusCode(200)
                .body("find { it.gid == '" + gid + "' }.rows.products", equalTo(List.of("MUG-042")))
                .body("find { it.gid == '" + gid + "' }.locks.table", hasItem("products"))
                .body("find { it.gid == '" + gid + "' }.preparedAt", notNullValue());

        given().post("/branches/" + gid + "/abort").then().statusCode(200).body("state", equalTo("ABORTED"));
        touch("MUG-042");
        given().get("/admin/prepared-branches").then().statusCode(200)
                .body("gid", not(hasItem(gid)));
        assertThat(stock("MUG-042")).isEqualTo(50);
        prepare(gid, "MUG-042", 5).body("vote", equalTo("NO"));
    }

    @Test
    void invalidOperationIsAProblem400AndWritesNothing(TestInfo test) throws SQLException {
        String gid = gid(test);
        given().contentType(ContentType.JSON).body("{\"operation\":{\"sku\":\"BOOK-001\",\"qty\":0}}")
                .post("/branches/" + gid + "/prepare").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("qty"));
        given().contentType(ContentType.JSON).body("{\"operation\":")
                .post("/branches/" + gid + "/prepare").then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("{\"operation\":{\"sku\":\"BOOK-001\",\"qty\":1}}")
                .post("/branches/bad gid/prepare").then().statusCode(400).contentType(PROBLEM);
        assertThat(branchRows(gid)).isZero();
        given().get("/branches/" + gid).then().statusCode(404).contentType(PROBLEM);
    }

    private static io.restassured.response.ValidatableResponse prepare(String gid, String sku, int qty) {
        return given().contentType(ContentType.JSON)
                .body("{\"operation\":{\"sku\":\"" + sku + "\",\"qty\":" + qty + "}}")
                .post("/branches/" + gid + "/prepare").then().statusCode(200);
    }

    private static String gid(TestInfo test) {
        return "it-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    }

    private int stock(String sku) throws SQLException {
        return queryInt("SELECT stock FROM products WHERE sku = ?", sku);
    }

    private int preparedXacts(String gid) throws SQLException {
        return queryInt("SELECT count(*) FROM pg_prepared_xacts WHERE gid = ?", gid);
    }

    private int branchRows(String gid) throws SQLException {
        return queryInt("SELECT count(*) FROM branches WHERE gid = ?", gid);
    }

    private void touch(String sku) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '300ms'");
            s.executeUpdate("UPDATE products SET stock = stock WHERE sku = '" + sku + "'");
        }
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
