package dev.pledge.dashboard.security;

import static io.restassured.RestAssured.given;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Where the switch pledge.security.open-on-loopback is off (every image and manifest, where a sidecar proxy or a
 * port forward connects from 127.0.0.1), loopback opens nothing: the login is needed there too.
 */
@QuarkusTest
@TestProfile(DashboardLoopbackClosedTest.LoopbackClosed.class)
class DashboardLoopbackClosedTest {
    static final String PASSWORD = "a-test-login-password-2";

    public static class LoopbackClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pledge.security.open-on-loopback", "false", "pledge.dashboard.login.password", PASSWORD);
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void evenOnLoopbackThePagesAndCallsNeedTheLogin() {
        String local = "http://127.0.0.1:" + root.getPort();
        given().get(local + "/api/overview").then().statusCode(401);
        given().get(local + "/").then().statusCode(401);
        given().auth().preemptive().basic("operator", PASSWORD).get(local + "/api/overview").then().statusCode(200);
        given().get(local + "/q/health/live").then().statusCode(200);
    }
}
