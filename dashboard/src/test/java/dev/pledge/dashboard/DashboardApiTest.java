package dev.pledge.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The dashboard's API with every service unreachable (the test profile points them at port 1). */
@QuarkusTest
class DashboardApiTest {
    private static final String PROBLEM = "application/problem+json";

    @TestHTTPResource("/api/stream")
    URL stream;

    @Test
    void listsNothingAndNamesTheServicesItCannotReach() {
        given().get("/api/activity").then().statusCode(200)
                .body("items", empty())
                .body("unreachable", hasItems("coordinator", "inventory", "payment", "saga-orchestrator"));
        given().get("/api/overview").then().statusCode(200)
                .body("services.find { it.name == 'coordinator' }.up", equalTo(false))
                .body("services.find { it.name == 'coordinator' }.detail", containsString("not reachable"));
    }

    /** Cross-site request forgery: another site's page cannot make a visitor's browser use the controls. */
    @Test
    void aControlRefusesARequestFromAnotherSitesPage() {
        String order = "{\"protocol\":\"2pc\",\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"1.00\"}";
        given().contentType(ContentType.JSON).header("Origin", "https://evil.example").body(order)
                .post("/api/orders").then().statusCode(403).contentType(PROBLEM)
                .body("detail", containsString("https://evil.example"));
        given().header("Sec-Fetch-Site", "cross-site").post("/api/services/inventory/restart").then().statusCode(403)
                .contentType(PROBLEM);
        given().header("Sec-Fetch-Site", "cross-site").delete("/api/crash-points/inventory").then().statusCode(403);
        // the same order from the dashboard's own page gets through to the coordinator, which is unreachable here
        given().contentType(ContentType.JSON).header("Sec-Fetch-Site", "same-origin").body(order)
                .post("/api/orders").then().statusCode(org.hamcrest.Matchers.not(403));
    }

    @Test
    void badFiltersAndIdsAreProblems() {
        given().get("/api/activity?kind=widgets").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("kind must be"));
        given().get("/api/activity?protocol=4pc").then().statusCode(400).contentType(PROBLEM);
        given().get("/api/activity?limit=0").then().statusCode(400).contentType(PROBLEM);
        given().get("/api/timeline/transaction/not-a-uuid").then().statusCode(400).contentType(PROBLEM);
        given().get("/api/timeline/widget/a6dc06c2-007d-4069-8513-8c8275a68622").then().statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void anInvalidOrderIsAProblemThatNamesTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"protocol\":\"4pc\",\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"1.00\"}")
                .post("/api/orders").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem(containsString("protocol")));
        given().contentType(ContentType.JSON).body("{\"protocol\":\"2pc\"")
                .post("/api/orders").then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON)
                .body("{\"protocol\":\"2pc\",\"flow\":\"parallel\",\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"a\",\"amount\":\"1\"}")
                .post("/api/orders").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("flow is for sagas only"));
    }

    @Test
    void anOrderTheCoordinatorCannotTakeIsABadGateway() {
        given().contentType(ContentType.JSON)
                .body("{\"protocol\":\"2pc\",\"sku\":\"BOOK-001\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"12.50\"}")
                .post("/api/orders").then().statusCode(502).contentType(PROBLEM)
                .body("detail", containsString("coordinator is not reachable"));
    }

    @Test
    void crashPointsOfUnknownServicesOrBadNamesAreProblems() {
        given().put("/api/crash-points/widget/after-votes").then().statusCode(404).contentType(PROBLEM);
        given().put("/api/crash-points/coordinator/Bad_Point").then().statusCode(400).contentType(PROBLEM);
        given().put("/api/crash-points/coordinator/after-votes?pauseMillis=0").then().statusCode(400).contentType(PROBLEM);
        given().put("/api/crash-points/coordinator/after-votes").then().statusCode(502).contentType(PROBLEM);
    }

    @Test
    void experimentsAndRestartsNeedTheLocalStackAndValidInput() {
        given().contentType(ContentType.JSON).body("{\"type\":\"benchmark\"}")
                .post("/api/experiments").then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("{\"type\":\"saga-compare\",\"orders\":1000}")
                .post("/api/experiments").then().statusCode(400).contentType(PROBLEM);
        given().get("/api/experiments/no-such-run").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void theStreamOpensWithTheServicesState() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(stream.toString())).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String event = null;
            String data = null;
            for (String line = lines.readLine(); line != null && data == null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && event != null) {
                    data = line.substring(5).trim();
                }
            }
            assertThat(event).isEqualTo("services");
            assertThat(data).contains("\"name\":\"coordinator\"").contains("\"up\":false");
        }
    }

    @Test
    void servesThePageAndTheHealthMetricsAndOpenApiEndpoints() {
        given().get("/").then().statusCode(200).contentType(ContentType.HTML).body(containsString("Pledge"));
        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/timeline/{kind}/{id}"));
    }
}
