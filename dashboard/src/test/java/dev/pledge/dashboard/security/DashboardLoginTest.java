package dev.pledge.dashboard.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pledge.testing.NetworkAddress;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The dashboard listening on every address, with a login: from this machine's loopback it needs none (as the
 * local stack's), from its network address it needs the login, and the probes stay open.
 */
@QuarkusTest
@TestProfile(DashboardLoginTest.WithLogin.class)
class DashboardLoginTest {
    static final String PASSWORD = "a-test-login-password-1";

    public static class WithLogin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.host", "0.0.0.0", "pledge.dashboard.login.password", PASSWORD);
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
    void fromTheNetworkEveryPageAndCallNeedsTheLogin() {
        given().get(network + "/api/overview").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic realm=\"Pledge dashboard\""))
                .body("detail", containsString("PLEDGE_DASHBOARD_LOGIN_PASSWORD"));
        given().get(network + "/").then().statusCode(401);
        given().auth().preemptive().basic("operator", "not-the-password").get(network + "/api/overview").then()
                .statusCode(401);
        given().auth().preemptive().basic("alice", PASSWORD).get(network + "/api/overview").then().statusCode(401);
        given().auth().preemptive().basic("operator", PASSWORD).get(network + "/api/overview").then().statusCode(200);
        given().auth().preemptive().basic("operator", PASSWORD).get(network + "/").then().statusCode(200);
    }

    @Test
    void aControlFromTheNetworkNeedsTheLoginAndStillRefusesAnotherSite() {
        given().post(network + "/api/services/inventory/restart").then().statusCode(401);
        given().auth().preemptive().basic("operator", PASSWORD).header("Origin", "https://evil.example")
                .post(network + "/api/services/inventory/restart").then().statusCode(403);
    }

    @Test
    void onLoopbackNoLoginIsNeeded() {
        given().get("http://127.0.0.1:" + root.getPort() + "/api/overview").then().statusCode(200);
        given().get("http://localhost:" + root.getPort() + "/api/overview").then().statusCode(200);
    }

    /** DNS rebinding: another site's name made to resolve to 127.0.0.1 arrives on loopback under that name. */
    @Test
    void onLoopbackUnderAnotherNameTheLoginIsNeeded() {
        given().header("Host", "rebound.example:" + root.getPort())
                .get("http://127.0.0.1:" + root.getPort() + "/api/overview").then().statusCode(401);
    }

    @Test
    void probesAndMetricsStayOpen() {
        given().get(network + "/q/health/live").then().statusCode(200);
        given().get(network + "/q/metrics").then().statusCode(200);
    }
}
