package dev.pledge.dashboard.security;

import static io.restassured.RestAssured.given;

import java.net.URL;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.pledge.testing.NetworkAddress;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A dashboard on every address but with no login password set answers only on loopback. */
@QuarkusTest
@TestProfile(DashboardWithoutPasswordTest.NoPassword.class)
class DashboardWithoutPasswordTest {
    public static class NoPassword implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.host", "0.0.0.0");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void fromTheNetworkNoLoginWorksAndLoopbackStillDoes() {
        Optional<String> address = NetworkAddress.first();
        Assumptions.assumeTrue(address.isPresent(), "this machine has no network address besides loopback");
        String network = "http://" + address.get() + ":" + root.getPort();
        given().get(network + "/api/overview").then().statusCode(401);
        given().auth().preemptive().basic("operator", "").get(network + "/api/overview").then().statusCode(401);
        given().auth().preemptive().basic("operator", "anything-at-all").get(network + "/api/overview").then()
                .statusCode(401);
        given().get("http://127.0.0.1:" + root.getPort() + "/api/overview").then().statusCode(200);
    }
}
