package dev.pledge.coordinator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pledge.identity.Caller;
import dev.pledge.testing.CallersResource;
import dev.pledge.testing.NetworkAddress;
import dev.pledge.testing.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The coordinator listening on every address: reading is open from this machine's loopback and needs a token of a
 * Pledge caller from its network address; probes, metrics and OpenAPI stay open.
 */
@QuarkusTest
@TestProfile(ReadsOffLoopbackIT.EveryAddress.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(CallersResource.class)
class ReadsOffLoopbackIT {
    private static final String PROBLEM = "application/problem+json";

    public static class EveryAddress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.host", "0.0.0.0");
        }
    }

    @TestHTTPResource("/")
    URL root;

    private String network;

    @BeforeEach
    void findTheNetworkAddress() {
        Optional<String> address = NetworkAddress.first();
        Assumptions.assumeTrue(address.isPresent(), "this machine has no network address besides loopback");
        network = "http://" + address.get() + ":" + root.getPort();
    }

    @Test
    void fromTheNetworkAReadNeedsATokenOfAPledgeCaller() {
        String unknown = "/transactions/" + UUID.randomUUID();
        given().noFilters().get(network + unknown).then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"));
        given().noFilters().get(network + "/transactions/in-doubt").then().statusCode(401).contentType(PROBLEM);
        given().noFilters().header("Authorization", "Bearer not-a-token").get(network + unknown).then().statusCode(401);
        given().noFilters().head(network + unknown).then().statusCode(401);
        // any caller may read: inventory asking about a transaction, as its orphan inquiry does
        given().noFilters().header("Authorization", CallersResource.minter(Caller.INVENTORY).bearer("coordinator"))
                .get(network + unknown).then().statusCode(404).contentType(PROBLEM);
        given().noFilters().header("Authorization", CallersResource.minter(Caller.DASHBOARD).bearer("coordinator"))
                .get(network + "/transactions/in-doubt").then().statusCode(200);
    }

    @Test
    void onLoopbackAReadNeedsNoToken() {
        given().noFilters().get("http://127.0.0.1:" + root.getPort() + "/transactions/" + UUID.randomUUID()).then()
                .statusCode(404).contentType(PROBLEM);
    }

    /** DNS rebinding: another site's name made to resolve to 127.0.0.1 arrives on loopback under that name. */
    @Test
    void onLoopbackUnderAnotherNameAReadNeedsAToken() {
        given().noFilters().header("Host", "rebound.example:" + root.getPort())
                .get("http://127.0.0.1:" + root.getPort() + "/transactions/" + UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void probesAndMetricsStayOpen() {
        given().noFilters().get(network + "/q/health/live").then().statusCode(200);
        given().noFilters().get(network + "/q/metrics").then().statusCode(200);
        given().noFilters().get(network + "/q/openapi").then().statusCode(200);
    }
}
