package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.stack.Stack;

/**
 * Many orders on the same rows, on a whole stack: twenty orders at once for one product with five in stock, all
 * paid from one account, end with five commits and fifteen refusals for stock, under 2PC and under 3PC, with no
 * timeout, no open circuit and nothing left prepared; and a cycle of waits made on purpose under the {@code wait}
 * policy is shown by {@code ./pledge inspect} as the distributed deadlock it is.
 */
class ContentionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static PledgeCommand pledge;

    @BeforeAll
    static void up() throws Exception {
        pledge = PledgeCommand.upInFreshState("contention");
    }

    @AfterAll
    static void down() throws Exception {
        if (pledge != null) {
            pledge.run("down");
        }
    }

    @Test
    void twentyOrdersForFiveUnitsOfOneProductFromOneAccountCommitFiveAndRefuseFifteenForStock() throws Exception {
        PledgeCommand.Result r = pledge.run("experiment", "contention", "--protocol", "2pc", "--orders", "20", "--clients",
                "20", "--skus", "1", "--accounts", "1", "--stock", "5", "--policy", "ordered", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertFiveCommitsAndFifteenRefusals(JSON.readTree(r.out()).get(0), r);
        r = pledge.run("experiment", "contention", "--protocol", "3pc", "--orders", "20", "--clients", "20", "--skus", "1",
                "--accounts", "1", "--stock", "5", "--json"); // the coordinator's default policy
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertFiveCommitsAndFifteenRefusals(JSON.readTree(r.out()).get(0), r);

        for (JsonNode participant : get(pledge.stack().service(Stack.COORDINATOR).baseUrl() + "/participants")) {
            assertThat(participant.path("circuit").asText()).as("a busy participant is not a dead one: %s", participant)
                    .isEqualTo("CLOSED");
        }
    }

    private static void assertFiveCommitsAndFifteenRefusals(JsonNode row, PledgeCommand.Result r) {
        assertThat(row.path("policy").asText()).as("%s", r).isEqualTo("ordered");
        assertThat(row.path("committed").asLong()).as("%s", r).isEqualTo(5);
        assertThat(row.path("abortedForStockOrFunds").asLong()).as("%s", r).isEqualTo(15);
        assertThat(row.path("abortedForConflict").asLong()).as("no timeout, no retry bound: %s", r).isZero();
        assertThat(row.path("abortedOtherwise").asLong()).as("%s", r).isZero();
        assertThat(row.path("unknown").asLong()).as("%s", r).isZero();
        assertThat(row.path("lockTimeouts").asLong()).as("no wait ended by its time, so no cycle did: %s", r).isZero();
        assertThat(row.path("invariantsHold").asBoolean()).as("atomicity, conservation, nothing left prepared: %s", r)
                .isTrue();
    }

    @Test
    void theWaitPolicyStillKeepsEveryInvariantAndSagasTakePartAsTheyAre() throws Exception {
        PledgeCommand.Result r = pledge.run("experiment", "contention", "--protocol", "all", "--policy", "wait", "--orders",
                "20", "--clients", "10", "--skus", "1", "--accounts", "1", "--stock", "20", "--json");
        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode rows = JSON.readTree(r.out());
        assertThat(rows).hasSize(3);
        assertThat(rows.findValuesAsText("protocol")).containsExactly("2pc", "3pc", "saga");
        for (JsonNode row : rows) {
            assertThat(row.path("invariantsHold").asBoolean()).as("%s", row).isTrue();
            assertThat(row.path("unknown").asLong()).as("%s", row).isZero();
        }
        assertThat(rows.get(2).path("committed").asLong()).as("sagas: short local commits, nothing waits across databases")
                .isEqualTo(20);
        assertThat(rows.get(0).path("lockTimeouts").asLong() + rows.get(1).path("lockTimeouts").asLong())
                .as("under wait, the deadlock shows: prepares wait until their time runs out").isPositive();

        // an order retried after lock conflicts: each attempt is a transaction that names the one before it
        String coordinator = pledge.stack().service(Stack.COORDINATOR).baseUrl();
        JsonNode retried = null;
        for (JsonNode t : get(coordinator + "/transactions?limit=1000")) {
            if (t.path("attempt").asInt() > 1) {
                retried = t;
                break;
            }
        }
        assertThat(retried).as("an order retried after a lock conflict under wait").isNotNull();
        int number = retried.path("attempt").asInt();
        JsonNode attempt = get(coordinator + "/transactions/" + retried.path("id").asText());
        assertThat(attempt.path("firstAttempt").asText()).isNotBlank();
        assertThat(attempt.path("timeline").findValuesAsText("message"))
                .anyMatch(m -> m.contains("attempt " + number + " of order " + attempt.path("firstAttempt").asText()));
        JsonNode previous = get(coordinator + "/transactions/" + attempt.path("previousAttempt").asText());
        assertThat(previous.path("outcome").asText()).isEqualTo("ABORTED");
        assertThat(previous.path("timeline").findValuesAsText("message"))
                .anyMatch(m -> m.contains("tried again as attempt " + number));
    }

    /**
     * Two orders, each holding one row prepared and waiting for the other's row in the other database, made by
     * hand under the wait policy: inspect joins the participants' waits into the graph and names the cycle.
     */
    @Test
    void inspectShowsACycleOfWaitsAcrossTheTwoDatabases() throws Exception {
        Stack stack = pledge.stack();
        PledgeCommand.Result seed = pledge.run("experiment", "contention", "--protocol", "saga", "--orders", "1",
                "--clients", "1", "--stock", "10", "--json"); // creates HOT-001 and acc-hot-001
        assertThat(seed.exitCode()).as("%s", seed).isZero();
        HandMadeDeadlock deadlock = HandMadeDeadlock.make(stack, "HOT-001", "acc-hot-001");
        try (deadlock) {
            JsonNode cycles = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                PledgeCommand.Result inspect = pledge.run("inspect", "--json");
                assertThat(inspect.exitCode()).as("%s", inspect).isZero();
                cycles = JSON.readTree(inspect.out()).path("cycles");
                if (cycles.size() > 0) {
                    break;
                }
            }
            assertThat(cycles).as("the cycle between the two orders").hasSize(1);
            assertThat(List.of(cycles.get(0).get(0).asText(), cycles.get(0).get(1).asText()))
                    .containsExactlyInAnyOrder(deadlock.a, deadlock.b);
            PledgeCommand.Result text = pledge.run("inspect");
            assertThat(text.out()).contains("CYCLE: ").contains("a distributed deadlock").contains("products(HOT-001)")
                    .contains("accounts(acc-hot-001)");
        }
        assertThat(deadlock.waitersVotes()).as("the aborts end both waits").containsOnly("NO");
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
