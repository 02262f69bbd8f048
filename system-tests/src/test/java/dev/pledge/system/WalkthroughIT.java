package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.stack.AuditTrail;
import dev.pledge.stack.Processes;
import dev.pledge.stack.Secrets;
import dev.pledge.stack.Stack;

/**
 * The walkthroughs of docs/experiments.md and docs/operations.md, command by command as a user types them: a
 * coordinator crashed by hand and started again, a pause at a protocol moment, a transaction stuck on a crashed
 * participant and resolved by hand, the failure detector, a crash watched through the metrics, a crashed saga
 * orchestrator, psql, logs and {@code down --purge}. Effects are checked in the databases directly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkthroughIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern PREPARED_GID = Pattern.compile("inventory +([0-9a-f-]{36})\\.inventory");

    private static PledgeCommand pledge;
    private static Ledger ledger;

    @BeforeAll
    static void up() throws Exception {
        pledge = PledgeCommand.inFreshState("pledge-walkthrough-test");
        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as("%s", up).isZero();
        ledger = TestStacks.ledger(pledge.stack());
    }

    /** Each walkthrough starts from a whole stack, whatever the one before left down. */
    @BeforeEach
    void everythingRuns() throws Exception {
        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as("%s", up).isZero();
    }

    @AfterAll
    static void down() throws Exception {
        if (pledge != null) {
            pledge.run("down");
        }
    }

    /** docs/experiments.md, "Crash any process at a named point"; and the logs of the restart, followed. */
    @Test
    @Order(1)
    void aCoordinatorCrashedAfterItsDecisionHoldsBothBranchesUntilItIsStarted() throws Exception {
        PledgeCommand.Result armed = pledge.run("crash", "coordinator", "--at", "after-decision");
        assertThat(armed.exitCode()).as("%s", armed).isZero();
        assertThat(armed.out()).contains("armed after-decision on coordinator");
        PledgeCommand.Result order = pledge.run("order", "--protocol", "2pc");
        assertThat(order.exitCode()).as("the client gets no answer: %s", order).isNotZero();
        assertThat(order.out()).doesNotContain("COMMITTED");

        PledgeCommand.Result held = pledge.run("inspect");
        Matcher gid = PREPARED_GID.matcher(held.out());
        assertThat(gid.find()).as("inventory's branch is listed as prepared: %s", held).isTrue();
        String id = gid.group(1);
        assertThat(held.out()).contains(id + ".payment");
        assertThat(ledger.prepared()).isEqualTo(2);

        PledgeCommand.Running follow = pledge.start("logs", "coordinator", "-n", "0", "-f");
        try {
            PledgeCommand.Result start = pledge.run("start", "coordinator");
            assertThat(start.exitCode()).as("%s", start).isZero();
            awaitQuiet();
            assertThat(ledger.branches(true).get(id)).isEqualTo("COMMITTED");
            assertThat(ledger.branches(false).get(id)).isEqualTo("COMMITTED");
            assertThat(ledger.violations()).isEmpty();
            await("the followed log shows the restart", () -> follow.outSoFar().contains("holds its lease"));
            assertThat(follow.outSoFar()).contains("1 unfinished transaction(s) of its own to recover");
            assertThat(follow.process().isAlive()).as("-f keeps following").isTrue();
        } finally {
            follow.stop();
        }
        assertThat(pledge.run("inspect").out())
                .contains("Prepared transactions on the participants (each holds its locks until decided):\n  none");
        assertThat(pledge.run("logs", "coordinator", "-n", "3").out().lines()).hasSize(3);
    }

    /** docs/experiments.md: the pause the partitions campaign uses, by hand; the order waits in doubt, then commits. */
    @Test
    @Order(2)
    void aPauseAfterTheDecisionHoldsTheOrderInDoubtAndThenLetsItCommit() throws Exception {
        PledgeCommand.Result pause = pledge.run("crash", "coordinator", "--at", "after-decision", "--pause", "4000");
        assertThat(pause.exitCode()).as("%s", pause).isZero();
        assertThat(pause.out()).contains("pause of 4000 ms set at after-decision on coordinator");
        PledgeCommand.Running order = pledge.start("order", "--protocol", "2pc", "--json");
        JsonNode[] inDoubt = new JsonNode[1];
        PledgeCommand.Result done;
        try {
            await("the paused order is listed in doubt, decided", () -> {
                inDoubt[0] = JSON.readTree(pledge.run("in-doubt", "--json").out());
                return inDoubt[0].size() == 1 && inDoubt[0].get(0).path("state").asText().equals("COMMITTING");
            });
        } finally {
            done = order.finish(DEADLINE); // whatever happened, the next test starts with this order ended
        }
        assertThat(done.exitCode()).as("%s", done).isZero();
        assertThat(JSON.readTree(done.out()).path("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(inDoubt[0].get(0).path("id").asText()).isEqualTo(JSON.readTree(done.out()).path("id").asText());
        awaitQuiet();
        assertThat(pledge.run("in-doubt").out()).contains("No unfinished transactions.");
    }

    /** docs/operations.md, "When a transaction is stuck": seen, a reversal refused, the decision repeated by hand. */
    @Test
    @Order(3)
    void aTransactionStuckOnACrashedParticipantIsResolvedByHandAndEndsWhenItReturns() throws Exception {
        PledgeCommand.Result armed = pledge.run("crash", "payment", "--at", "before-commit");
        assertThat(armed.exitCode()).as("%s", armed).isZero();
        PledgeCommand.Result order = pledge.run("order", "--protocol", "2pc", "--json");
        assertThat(order.exitCode()).as("exit 4: in doubt; %s", order).isEqualTo(4);
        assertThat(JSON.readTree(order.out()).path("outcome").asText()).isEqualTo("IN_DOUBT");
        String id = JSON.readTree(order.out()).path("id").asText();
        JsonNode[] stuck = new JsonNode[1];
        await("the order is in doubt, payment unreachable", () -> {
            stuck[0] = JSON.readTree(pledge.run("in-doubt", "--json").out());
            return stuck[0].size() == 1 && stuck[0].get(0).path("branches").toString().contains("UNREACHABLE");
        });
        assertThat(stuck[0].get(0).path("id").asText()).isEqualTo(id);
        assertThat(stuck[0].get(0).path("state").asText()).isEqualTo("COMMITTING");

        PledgeCommand.Result reversal = pledge.run("resolve", id, "--abort", "--by", "alice", "--reason", "payment is gone");
        assertThat(reversal.exitCode()).as("%s", reversal).isEqualTo(2);
        assertThat(reversal.err()).contains("cannot be reversed");
        PledgeCommand.Result[] repeat = new PledgeCommand.Result[1];
        await("the coordinator lets the operator repeat its decision", () -> {
            repeat[0] = pledge.run("resolve", id, "--commit", "--by", "alice", "--reason", "payment restarts soon");
            return !repeat[0].err().contains("being driven right now");
        });
        assertThat(repeat[0].exitCode()).as("%s", repeat[0]).isZero();

        PledgeCommand.Result start = pledge.run("start", "payment");
        assertThat(start.exitCode()).as("%s", start).isZero();
        assertThat(java.nio.file.Files.readString(AuditTrail.of(pledge.stack().config()).file()))
                .as("the operator's starts are audited").containsPattern("\\S+ started coordinator \\(pid \\d+\\)")
                .containsPattern("\\S+ started payment \\(pid \\d+\\)");
        awaitQuiet();
        assertThat(ledger.branches(false).get(id)).isEqualTo("COMMITTED");
        assertThat(ledger.violations()).isEmpty();
    }

    /** docs/experiments.md, "Watch the failure detector". */
    @Test
    @Order(4)
    void aKilledParticipantIsSuspectedAndOrdersAbortAtOnceUntilItIsStarted() throws Exception {
        PledgeCommand.Result kill = pledge.run("stop", "--kill", "payment");
        assertThat(kill.exitCode()).as("%s", kill).isZero();
        assertThat(kill.out()).containsPattern("payment +killed \\(pid \\d+\\)");
        PledgeCommand.Result stale = pledge.run("status");
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.out()).containsPattern("payment +service .* STALE");
        await("the coordinator suspects payment", () -> pledge.run("status").out().matches("(?s).*payment .*SUSPECTED.*"));

        int stock = ledger.stock("BOOK-001");
        PledgeCommand.Result order = pledge.run("order", "--protocol", "2pc");
        assertThat(order.exitCode()).as("%s", order).isEqualTo(3);
        assertThat(order.out()).contains("ABORTED", "suspected");
        assertThat(ledger.stock("BOOK-001")).isEqualTo(stock);

        PledgeCommand.Result start = pledge.run("start", "payment");
        assertThat(start.exitCode()).as("%s", start).isZero();
        await("orders commit again", () -> pledge.run("order", "--protocol", "2pc").exitCode() == 0);
    }

    /** docs/observability.md, "To watch a crash from Grafana": the figures its panels show, read from /q/metrics. */
    @Test
    @Order(5)
    void aCrashAfterTheVotesShowsInDoubtBranchesUntilUpRestartsTheCoordinatorWhichRecoversThem() throws Exception {
        PledgeCommand.Result armed = pledge.run("crash", "coordinator", "--at", "after-votes");
        assertThat(armed.exitCode()).as("%s", armed).isZero();
        assertThat(pledge.run("order", "--protocol", "2pc").exitCode()).isNotZero();
        for (String participant : List.of(Stack.INVENTORY, Stack.PAYMENT)) {
            await(participant + " shows one branch in doubt",
                    () -> metrics(participant).value("pledge_branches_in_doubt") == 1);
        }
        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as("%s", up).isZero();
        assertThat(up.out()).containsPattern("coordinator +ready");
        awaitQuiet();
        assertThat(metrics(Stack.COORDINATOR).value("pledge_recoveries_total", "found=\"undecided\"")).isEqualTo(1);
        for (String participant : List.of(Stack.INVENTORY, Stack.PAYMENT)) {
            await(participant + " shows nothing in doubt", () -> metrics(participant).value("pledge_branches_in_doubt") == 0);
        }
        assertThat(ledger.violations()).isEmpty();
    }

    /** docs/experiments.md: a coordinator stopped and started again, as after an interrupted campaign. */
    @Test
    @Order(6)
    void aStoppedCoordinatorStartsAgainAndTakesOrders() throws Exception {
        long pid = pidOf("coordinator");
        PledgeCommand.Result stop = pledge.run("stop", "coordinator");
        assertThat(stop.exitCode()).as("%s", stop).isZero();
        assertThat(Processes.isAlive(pid)).isFalse();
        PledgeCommand.Result start = pledge.run("start", "coordinator");
        assertThat(start.exitCode()).as("%s", start).isZero();
        assertThat(pidOf("coordinator")).isNotEqualTo(pid);
        assertThat(pledge.run("order", "--protocol", "2pc").exitCode()).isZero();
    }

    /** docs/saga.md: the orchestrator halted after a saga's first step; started again, it ends the saga. */
    @Test
    @Order(7)
    void aSagaWhoseOrchestratorCrashedAfterItsFirstStepEndsOnceItIsStarted() throws Exception {
        PledgeCommand.Result armed = pledge.run("crash", "saga-orchestrator", "--at", "after-first-step");
        assertThat(armed.exitCode()).as("%s", armed).isZero();
        PledgeCommand.Result order = pledge.run("order", "--protocol", "saga", "--wait", "5");
        assertThat(order.out()).doesNotContain("COMPLETED");
        assertThat(ledger.unfinishedSagas()).isEqualTo(1);

        PledgeCommand.Result start = pledge.run("start", "saga-orchestrator");
        assertThat(start.exitCode()).as("%s", start).isZero();
        await("the saga ends", () -> ledger.unfinishedSagas() == 0);
        assertThat(ledger.violations()).isEmpty();
    }

    /** README.md: the participants' databases are plain PostgreSQL, open to psql. */
    @Test
    @Order(8)
    void psqlReadsAParticipantsDatabase() throws Exception {
        ProcessBuilder command = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p",
                Integer.toString(pledge.port(Stack.PG_INVENTORY)), "-U", "pledge", "inventory", "-tA", "-c",
                "SELECT stock FROM products WHERE sku = 'BOOK-001'").redirectErrorStream(true);
        // the password ./pledge up generated, from the file the docs name (never typed, never a prompt)
        command.environment().put("PGPASSFILE", Secrets.of(pledge.stack().config().stateDir()).file("pgpass").toString());
        command.environment().remove("PGPASSWORD");
        Process psql = command.start();
        String out = new String(psql.getInputStream().readAllBytes()).strip();
        assertThat(psql.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(Integer.toString(ledger.stock("BOOK-001")));
    }

    /** docs/security.md: an operator's endpoint called by hand with the token ./pledge token prints; none is refused. */
    @Test
    @Order(9)
    void anOperatorsEndpointTakesTheTokenThatPledgeTokenPrints() throws Exception {
        PledgeCommand.Result token = pledge.run("token");
        assertThat(token.exitCode()).as("%s", token).isZero();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.URI inquiry = java.net.URI.create("http://127.0.0.1:" + pledge.port(Stack.INVENTORY)
                + "/admin/prepared-branches/inquiry");
        var asked = http.send(java.net.http.HttpRequest.newBuilder(inquiry).header("Authorization", "Bearer " + token.out().strip())
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
        var refused = http.send(java.net.http.HttpRequest.newBuilder(inquiry).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    /** docs/security.md: the keys for a deployment, made once and kept; the Secret's command names every key but the operator's. */
    @Test
    @Order(9)
    void keysForADeploymentAreMadeOnceAndKept() throws Exception {
        Path dir = Path.of(pledge.env().get("PLEDGE_STATE_DIR")).resolveSibling("deployment-keys");
        PledgeCommand.Result first = pledge.run("keys", "--out", dir.toString());
        assertThat(first.exitCode()).as("%s", first).isZero();
        assertThat(first.out()).contains("(6 made, 0 kept)").contains("kubectl -n pledge create secret generic pledge-identity")
                .contains("--from-file=" + dir.resolve("coordinator.jwk")).doesNotContain("--from-file=" + dir.resolve("operator.jwk"));
        String key = Files.readString(dir.resolve("coordinator.jwk"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("coordinator.jwk")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dir.resolve("trust.jwks"))).contains("\"kid\":\"coordinator\"").doesNotContain("\"d\":");

        PledgeCommand.Result again = pledge.run("keys", "--out", dir.toString());
        assertThat(again.out()).contains("(0 made, 6 kept)");
        assertThat(Files.readString(dir.resolve("coordinator.jwk"))).isEqualTo(key);

        PledgeCommand.Result onAFile = pledge.run("keys", "--out", dir.resolve("trust.jwks").toString());
        assertThat(onAFile.exitCode()).isEqualTo(2);
        assertThat(onAFile.err()).contains("is a file, not a directory");
    }

    @Test
    @Order(10)
    void downWithPurgeStopsEveryProcessAndDeletesTheState() throws Exception {
        List<Long> pids = new ArrayList<>();
        JSON.readTree(pledge.run("status", "--json").out()).path("components").forEach(c -> pids.add(c.path("pid").asLong()));
        assertThat(pids).isNotEmpty().doesNotContain(0L);
        PledgeCommand.Result down = pledge.run("down", "--purge");
        assertThat(down.exitCode()).as("%s", down).isZero();
        for (long pid : pids) {
            assertThat(Processes.isAlive(pid)).as("pid %d still running", pid).isFalse();
        }
        assertThat(Path.of(pledge.env().get("PLEDGE_STATE_DIR"))).doesNotExist();
    }

    private static long pidOf(String component) throws Exception {
        for (JsonNode c : JSON.readTree(pledge.run("status", "--json").out()).path("components")) {
            if (c.path("name").asText().equals(component)) {
                return c.path("pid").asLong();
            }
        }
        throw new AssertionError("no component " + component);
    }

    private static Scrape metrics(String service) throws Exception {
        return Scrape.of("http://127.0.0.1:" + pledge.port(service));
    }

    private static void awaitQuiet() throws Exception {
        await("nothing unfinished or prepared", () -> ledger.unfinished() == 0 && ledger.prepared() == 0);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("%s within %s", what, DEADLINE).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
