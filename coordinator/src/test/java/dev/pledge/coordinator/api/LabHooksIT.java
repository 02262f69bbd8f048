package dev.pledge.coordinator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pledge.identity.Caller;
import dev.pledge.testing.CallersResource;
import dev.pledge.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The lab's crash points with the lab switch on: reading them is open, but arming, pausing and disarming take
 * an operator; anyone else is refused and changes nothing, and what an operator did is in the audit log under
 * the name its key proves.
 */
@QuarkusTest
@TestProfile(LabHooksIT.LabOn.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(CallersResource.class)
class LabHooksIT {
    private static final String PROBLEM = "application/problem+json";

    public static class LabOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pledge.lab.enabled", "true");
        }
    }

    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final Handler auditHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            audit.add(String.format(record.getMessage(), record.getParameters() == null ? new Object[0] : record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("pledge.audit").addHandler(auditHandler);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("pledge.audit").removeHandler(auditHandler);
        given().header("Authorization", asOperator()).delete("/admin/crash-points").then().statusCode(200);
    }

    @Test
    void onlyAnOperatorArmsPausesOrDisarmsACrashPoint() {
        given().noFilters().put("/admin/crash-points/after-votes").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"));
        given().noFilters().put("/admin/crash-points/after-votes/pause?millis=1000").then().statusCode(401);
        given().noFilters().delete("/admin/crash-points").then().statusCode(401);
        given().noFilters().header("Authorization", "Bearer not-a-token").put("/admin/crash-points/after-votes")
                .then().statusCode(401).contentType(PROBLEM);
        for (Caller notAnOperator : new Caller[] {Caller.COORDINATOR, Caller.INVENTORY, Caller.PAYMENT,
            Caller.SAGA_ORCHESTRATOR}) {
            String bearer = CallersResource.minter(notAnOperator).bearer(Caller.EVERY_SERVICE);
            given().header("Authorization", bearer).put("/admin/crash-points/after-votes").then().statusCode(403)
                    .contentType(PROBLEM);
            given().header("Authorization", bearer).put("/admin/crash-points/after-votes/pause?millis=1000")
                    .then().statusCode(403);
        }
        given().noFilters().get("/admin/crash-points").then().statusCode(200)
                .body("armed", nullValue()).body("paused.size()", equalTo(0));
        assertThat(audit).as("nothing refused is audited").isEmpty();

        given().header("Authorization", asOperator()).put("/admin/crash-points/after-votes").then().statusCode(200)
                .body("armed", equalTo("after-votes"));
        given().header("Authorization", asOperator()).put("/admin/crash-points/after-decision/pause?millis=1000")
                .then().statusCode(200).body("paused.'after-decision'", equalTo(1000));
        given().header("Authorization", asOperator()).delete("/admin/crash-points").then().statusCode(200)
                .body("armed", nullValue());
        assertThat(audit).containsExactly("operator (authenticated) armed crash point after-votes",
                "operator (authenticated) set a pause of 1000 ms at after-decision",
                "operator (authenticated) disarmed the crash points and cleared the pauses");
    }

    /** The dashboard's key may arm (role lab), but not in the operator's name: the audit must name the signer. */
    @Test
    void theDashboardArmsAsItselfAndCannotSignInAnotherName() {
        String forged = "Bearer " + CallersResource.minter(Caller.DASHBOARD).sign(List.of("coordinator"),
                java.time.Instant.now(), java.time.Duration.ofMinutes(1), Map.of("upn", "operator"));
        given().header("Authorization", forged).put("/admin/crash-points/after-votes").then().statusCode(401)
                .contentType(PROBLEM);
        given().noFilters().get("/admin/crash-points").then().statusCode(200).body("armed", nullValue());

        given().header("Authorization", CallersResource.minter(Caller.DASHBOARD).bearer("coordinator"))
                .put("/admin/crash-points/after-votes").then().statusCode(200).body("armed", equalTo("after-votes"));
        assertThat(audit).containsExactly("dashboard (authenticated) armed crash point after-votes");
    }

    @Test
    void aTokenForAnotherServiceIsRefused() {
        given().header("Authorization", CallersResource.minter(Caller.OPERATOR).bearer(List.of("inventory")))
                .put("/admin/crash-points/after-votes").then().statusCode(401).contentType(PROBLEM);
        given().noFilters().get("/admin/crash-points").then().statusCode(200).body("armed", nullValue());
    }

    private static String asOperator() {
        return CallersResource.minter(Caller.OPERATOR).bearer(Caller.EVERY_SERVICE);
    }
}
