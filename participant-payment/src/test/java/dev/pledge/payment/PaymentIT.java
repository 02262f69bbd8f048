package dev.pledge.payment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.pledge.testing.CallersResource;
import dev.pledge.testing.KafkaResource;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "user", value = "payment"))
@WithTestResource(CallersResource.class)
class PaymentIT {
    private static final String PROBLEM = "application/problem+json";

    @Inject
    AgroalDataSource db;

    @Test
    void readsASeededAccountWithItsExactBalance() {
        given().get("/accounts/acc-carol").then().statusCode(200)
                .body("owner", equalTo("Carol Skeen")).body("balance", equalTo("40.00"));
    }

    @Test
    void unknownAccountIsAProblem404() {
        given().get("/accounts/acc-nobody").then().statusCode(404).contentType(PROBLEM)
                .body("detail", containsString("acc-nobody"));
    }

    @Test
    void committedDebitTakesTheExactAmount(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "acc-bob", "\"0.10\"").body("vote", equalTo("YES"));
        given().post("/branches/" + gid + "/commit").then().statusCode(200).body("state", equalTo("COMMITTED"));
        prepare(gid + "-2", "acc-bob", "0.20").body("vote", equalTo("YES"));
        given().post("/branches/" + gid + "-2/commit").then().statusCode(200);
        assertThat(balance("acc-bob")).isEqualByComparingTo("249.70");
    }

    @Test
    void insufficientFundsVotesNoAndChangesNothing(TestInfo test) throws SQLException {
        String gid = gid(test);
        prepare(gid, "acc-dave", "\"5.00\"").body("vote", equalTo("NO"))
                .body("reason", equalTo("insufficient funds in acc-dave: balance 0.00, 5.00 requested"));
        assertThat(balance("acc-dave")).isEqualByComparingTo("0.00");
    }

    @Test
    void rejectsAmountsThatAreNotMoney(TestInfo test) throws SQLException {
        String gid = gid(test);
        for (String amount : new String[] {"\"1.005\"", "\"-3.00\"", "\"0\"", "\"abc\"", "1e12"}) {
            given().contentType(ContentType.JSON)
                    .body("{\"operation\":{\"account\":\"acc-alice\",\"amount\":" + amount + "}}")
                    .post("/branches/" + gid + "/prepare").then().statusCode(400).contentType(PROBLEM);
        }
        assertThat(balance("acc-alice")).isEqualByComparingTo("1000.00");
        given().get("/branches/" + gid).then().statusCode(404);
    }

    private static ValidatableResponse prepare(String gid, String account, String amountJson) {
        return given().contentType(ContentType.JSON)
                .body("{\"operation\":{\"account\":\"" + account + "\",\"amount\":" + amountJson + "}}")
                .post("/branches/" + gid + "/prepare").then().statusCode(200);
    }

    private static String gid(TestInfo test) {
        return "it-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    }

    private BigDecimal balance(String id) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }
}
