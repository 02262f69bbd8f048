package dev.pledge.coordinator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.protocol.Ack;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.log.Leases.Renewal;
import dev.pledge.coordinator.log.TakenOver;
import dev.pledge.coordinator.service.Replicas;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * This replica among others on its real PostgreSQL log: another process under its node id, another replica
 * that owns a transaction, and writes under an epoch the transaction has moved on from. The other replicas
 * are rows in the log, written as theirs would be.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ReplicaFencingIT {
    private static final String ORDER = "{\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"25.00\",\"protocol\":\"2PC\"}";
    private static final Duration TTL = Duration.ofMinutes(1);

    @Inject
    AgroalDataSource db;
    @Inject
    Leases leases;
    @Inject
    Replicas replicas;
    @Inject
    DecisionLog log;

    @Test
    void aRenewalFindsTheLeaseANewerProcessOfTheSameNameTook() throws SQLException {
        String node = "twin-" + UUID.randomUUID();
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        try {
            leases.acquire(node, older, "http://127.0.0.1:1", TTL);
            assertThat(leases.acquire(node, newer, "http://127.0.0.1:2", TTL).displacedLive()).isTrue();

            assertThat(leases.renew(node, older, TTL).outcome()).isEqualTo(Renewal.Outcome.HELD_BY_ANOTHER_PROCESS);
            Renewal renewed = leases.renew(node, newer, TTL);
            assertThat(renewed.outcome()).isEqualTo(Renewal.Outcome.RENEWED);
            assertThat(renewed.expiresAt()).isAfter(Instant.now().plus(TTL).minusSeconds(30));
        } finally {
            update("DELETE FROM coordinator_leases WHERE node_id = ?", node);
        }
    }

    @Test
    void aRenewalFindsTheLeaseGoneOnceAnotherReplicaTookOverAfterItExpired() {
        String node = "away-" + UUID.randomUUID();
        UUID incarnation = UUID.randomUUID();
        leases.acquire(node, incarnation, "http://127.0.0.1:1", TTL);
        leases.release(node, incarnation);

        replicas.takeOverOnce(); // this replica removes the expired lease, as it would after a frozen one's ttl

        assertThat(leases.renew(node, incarnation, TTL).outcome()).isEqualTo(Renewal.Outcome.GONE);
    }

    @Test
    void acknowledgementsUnderAStaleEpochWriteNothing() throws SQLException {
        String id = aborting(null);
        String other = takenOverByALiveReplica(id);
        try {
            long epoch = epochOf(id);
            String before = branchState(id, "inventory");
            assertThat(before).isNotEqualTo("ABORTED");

            assertThatThrownBy(() -> log.recordAcks(UUID.fromString(id), epoch - 1,
                    List.of(new Ack("inventory", BranchState.ABORTED)))).isInstanceOf(TakenOver.class);
            assertThat(branchState(id, "inventory")).isEqualTo(before);

            log.recordAcks(UUID.fromString(id), epoch, List.of(new Ack("inventory", BranchState.ABORTED)));
            assertThat(branchState(id, "inventory")).isEqualTo("ABORTED");
        } finally {
            update("DELETE FROM coordinator_leases WHERE node_id = ?", other);
        }
    }

    @Test
    void aRetryReachingThisReplicaWhileAnotherLiveReplicaDrivesTheTransactionIsAConflict() throws SQLException {
        String key = "retry-" + UUID.randomUUID();
        String id = aborting(key);
        String other = takenOverByALiveReplica(id);
        try {
            given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(ORDER).post("/orders")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("Idempotency-Key '" + key + "' is still running"))
                    .body("detail", containsString("/transactions/" + id));
        } finally {
            update("DELETE FROM coordinator_leases WHERE node_id = ?", other);
        }
        assertThat(((Number) one("SELECT count(*) FROM transactions WHERE idempotency_key = ?", key)).longValue()).isEqualTo(1);
    }

    /** An order this replica began and could not finish: its participants are unreachable, so it stays ABORTING. */
    private static String aborting(String key) {
        var request = given().contentType(ContentType.JSON).body(ORDER);
        return (key == null ? request : request.header("Idempotency-Key", key)).post("/orders").then().statusCode(201)
                .body("state", equalTo("ABORTING")).extract().path("id");
    }

    /** Another replica, with a lease live for a minute, takes the transaction over as a takeover would: a new epoch. */
    private String takenOverByALiveReplica(String id) throws SQLException {
        String other = "replica-" + UUID.randomUUID();
        update("INSERT INTO coordinator_leases (node_id, incarnation, url, acquired_at, expires_at)"
                + " VALUES (?, gen_random_uuid(), 'http://127.0.0.1:1', now(), now() + interval '1 minute')", other);
        assertThat(update("UPDATE transactions SET owner = ?, epoch = epoch + 1 WHERE id = ?::uuid", other, id)).isEqualTo(1);
        return other;
    }

    private long epochOf(String id) throws SQLException {
        return ((Number) one("SELECT epoch FROM transactions WHERE id = ?::uuid", id)).longValue();
    }

    private String branchState(String id, String participant) throws SQLException {
        return (String) one("SELECT state FROM branches WHERE tx_id = ?::uuid AND participant = ?", id, participant);
    }

    /** The first column of the one row the query finds. */
    private Object one(String sql, Object... parameters) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            set(ps, parameters);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for " + sql).isTrue();
                return rs.getObject(1);
            }
        }
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            set(ps, parameters);
            return ps.executeUpdate();
        }
    }

    private static void set(PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
    }
}
