package dev.pledge.saga;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import dev.pledge.testing.KafkaResource;
import dev.pledge.testing.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The orchestrator on its real PostgreSQL and a real Kafka broker, both started as processes. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "user", value = "saga-orchestrator"))
class SagaOrchestratorIT {

    @Test
    void isReadyOnlyWithItsDatabaseAndTheKafkaBroker() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("kafka"))
                .body("checks.find { it.name == 'kafka' }.data.nodes", equalTo(1));
    }

    @Test
    void unknownAndMalformedSagaIdsAreProblems() {
        given().get("/sagas/6b1f8a53-0000-4000-8000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/sagas/nope").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("UUID"));
        given().get("/sagas?limit=5000").then().statusCode(400).contentType("application/problem+json");
        given().get("/sagas/6b1f8a53-0000-4000-8000-000000000000?waitMs=-1").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("at least 0"));
        given().get("/sagas/6b1f8a53-0000-4000-8000-000000000000?waitMs=60000").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("at most 30000"));
        given().get("/sagas/6b1f8a53-0000-4000-8000-000000000000?waitMs=100").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void listsSagasFromItsOwnDatabase() {
        given().get("/sagas").then().statusCode(200).body("size()", equalTo(0));
    }
}
