package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.stack.Processes;
import dev.pledge.stack.Stack;

/**
 * The user's path through the README: {@code ./pledge demo}, an order, status, a crashed service noticed
 * and restarted, and {@code ./pledge down}, all against one real stack (four PostgreSQL servers, a Kafka
 * broker, four services). Effects are checked in the participants' databases directly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PledgeCommandIT {
    private static final int SEED_STOCK = 181 + 10 * 100_000; // the catalogue and the ten load products
    private static final BigDecimal SEED_MONEY = new BigDecimal("11290.00");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Four PostgreSQL servers, the Kafka broker, four services and the dashboard. */
    private static final int COMPONENTS = 10;

    private static PledgeCommand pledge;

    @BeforeAll
    static void freshState() throws IOException {
        pledge = PledgeCommand.inFreshState("pledge-system-test");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        pledge.run("down");
    }

    @Test
    @Order(1)
    void demoTellsTheThreeStoriesAndChecksEachInTheDatabases() throws Exception {
        PledgeCommand.Result demo = pledge.run("demo");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.out()).contains("== Chapter 1 of 3", "== Chapter 2 of 3", "== Chapter 3 of 3", "Expect:",
                        "What happened:", "See more:", "Everything behaved as expected")
                .doesNotContain("NOT OK")
                // chapter 1: one order commits, the other aborts for want of stock
                .contains("COMMITTED", "ABORTED", "insufficient stock")
                // chapter 2: the second order waits on the prepared row; 2PC blocks, 3PC does not
                .containsPattern("waits [0-9.]+ s for products\\(BOOK-001\\), held by [0-9a-f-]{36}\\.inventory \\(prepared")
                .contains("blocked:      yes: the prepared branches kept their rows locked until the coordinator came back")
                .contains("second order: waited", "for the crashed coordinator to come back, then voted YES")
                .contains("blocked:      no: the prepared branches were ended", "by the participants' termination protocol,"
                        + " with the crashed coordinator still down")
                // chapter 3: the declined saga's compensation, record by record, and the flows side by side
                .containsPattern("COMPENSATION reserve-stock +release +\\[saga\\.inventory\\.commands-[0-9]+@[0-9]+\\]")
                .containsPattern("forward-recovery +2 compensated")
                .containsPattern("3pc \\(reference\\) +2 aborted");
        List<String> transactions = links(demo.out(), "transaction");
        assertThat(transactions).as("orders A and B, then the 2PC and the 3PC crash").hasSize(4);
        assertThat(links(demo.out(), "saga")).hasSize(1);

        Set<String> inventoryCommitted = committedTransactions(Stack.PG_INVENTORY, "inventory");
        Set<String> paymentCommitted = committedTransactions(Stack.PG_PAYMENT, "payment");
        assertThat(inventoryCommitted).containsExactly(transactions.get(0)).isEqualTo(paymentCommitted);
        for (String crashed : transactions.subList(2, 4)) {
            assertThat(branchState(Stack.PG_INVENTORY, "inventory", crashed)).as(crashed).isEqualTo("ABORTED");
            assertThat(branchState(Stack.PG_PAYMENT, "payment", crashed)).as(crashed).isEqualTo("ABORTED");
        }
        // only order A moved stock and money: the crashed orders aborted and every saga was compensated
        assertThat(totalStock()).isEqualTo(SEED_STOCK - 1);
        assertThat(totalMoney()).isEqualByComparingTo(SEED_MONEY.subtract(new BigDecimal("12.50")));
        assertThat(preparedTransactions(Stack.PG_INVENTORY, "inventory")).isZero();
        assertThat(preparedTransactions(Stack.PG_PAYMENT, "payment")).isZero();
    }

        @Test
    @Order(2)
    void orderWithOnlyAProtocolCommitsWithSeededDefaults() throws Exception {
        PledgeCommand.Result order = pledge.run("order", "--protocol", "2pc", "--json");
        assertThat(order.exitCode()).as(order.toString()).isZero();
        JsonNode tx = JSON.readTree(order.out());
        assertThat(tx.path("protocol").asText()).isEqualTo("2PC");
        assertThat(tx.path("outcome").asText()).isEqualTo("COMMITTED");
        String id = tx.path("id").asText();
        assertThat(committedTransactions(Stack.PG_INVENTORY, "inventory")).contains(id);
        assertThat(committedTransactions(Stack.PG_PAYMENT, "payment")).contains(id);
        assertThat(totalStock()).isEqualTo(SEED_STOCK - 2);
    }

    @Test
    @Order(3)
    void aThreePhaseOrderTakesTheProductAndQuantityGiven() throws Exception {
        int mugs = stock("MUG-042");
        PledgeCommand.Result order = pledge.run("order", "--protocol", "3pc", "--sku", "MUG-042", "--qty", "2", "--json");
        assertThat(order.exitCode()).as(order.toString()).isZero();
        JsonNode tx = JSON.readTree(order.out());
        assertThat(tx.path("protocol").asText()).isEqualTo("3PC");
        assertThat(tx.path("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(stock("MUG-042")).isEqualTo(mugs - 2);
    }

    @Test
    @Order(3)
    void anOrderThePaymentDeclinesChangesNeitherDatabase() throws Exception {
        int stock = totalStock();
        BigDecimal money = totalMoney();
        PledgeCommand.Result order = pledge.run("order", "--protocol", "2pc", "--account", "acc-dave", "--amount", "5.00");
        assertThat(order.exitCode()).as(order.toString()).isEqualTo(3);
        assertThat(order.out()).contains("ABORTED", "insufficient funds in acc-dave")
                .containsPattern("  trace [0-9a-f]{32}\n");
        assertThat(totalStock()).isEqualTo(stock);
        assertThat(totalMoney()).isEqualByComparingTo(money);
    }

    @Test
    @Order(3)
    void aSagaOrderShowsItsTimelineAndADeclinedOneIsCompensated() throws Exception {
        PledgeCommand.Result saga = pledge.run("order", "--protocol", "saga");
        assertThat(saga.exitCode()).as(saga.toString()).isZero();
        assertThat(saga.out()).containsPattern("\\(sequential\\)  trace [0-9a-f]{32}\n")
                .contains("reserve: DONE", "charge: DONE", "confirm: DONE", "COMPLETED in")
                .containsPattern("COMMAND +reserve-stock +reserve +\\[saga\\.inventory\\.commands-\\d+@\\d+\\]");
        int stock = totalStock();
        BigDecimal money = totalMoney();
        PledgeCommand.Result declined = pledge.run("order", "--protocol", "saga", "--flow", "parallel",
                "--account", "acc-dave", "--amount", "5.00");
        assertThat(declined.exitCode()).as(declined.toString()).isEqualTo(3);
        assertThat(declined.out()).contains("(parallel)", "charge: REFUSED", "release: DONE",
                "COMPENSATED: charge-payment: insufficient funds in acc-dave");
        assertThat(totalStock()).isEqualTo(stock);
        assertThat(totalMoney()).isEqualByComparingTo(money);
        assertCompleted("sequential", pledge.run("order", "--protocol", "saga", "--flow", "sequential", "--wait", "60"));
        assertCompleted("forward-recovery", pledge.run("order", "--protocol", "saga", "--flow", "forward-recovery", "--wait", "60"));
        assertCompleted("choreography", pledge.run("order", "--protocol", "saga", "--flow", "choreography", "--wait", "60"));
        PledgeCommand.Result badFlow = pledge.run("order", "--protocol", "saga", "--flow", "sideways");
        assertThat(badFlow.exitCode()).isEqualTo(2);
        assertThat(badFlow.err()).contains("flow must be one of");
    }

    @Test
    @Order(3)
    void sagaCompareRunsTheSameOrdersThroughEveryFlowAndKeepsTheInvariants() throws Exception {
        PledgeCommand.Result table = pledge.run("saga", "compare", "--failure", "none", "--orders", "2");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("FLOW", "INVARIANTS", "sequential", "parallel", "forward-recovery", "choreography",
                "2pc (reference)", "3pc (reference)").doesNotContain("BROKEN");
        assertThat(table.err()).as("every flow is warmed up before any is measured")
                .contains("warming up: 10 orders through each flow, not counted ... done");

        PledgeCommand.Result outOfStock = pledge.run("saga", "compare", "--failure", "out-of-stock", "--orders", "2", "--warm-up", "1", "--json");
        assertThat(outOfStock.exitCode()).as(outOfStock.toString()).isZero();
        JsonNode report = JSON.readTree(outOfStock.out());
        assertThat(report.path("order").path("sku").asText()).isEqualTo("SOLD-OUT");
        assertThat(report.path("rows")).hasSize(6);
        for (JsonNode row : report.path("rows")) {
            String flow = row.path("flow").asText();
            assertThat(row.path("invariantsHold").asBoolean()).as(flow).isTrue();
            assertThat(row.path("outcomes").path(flow.endsWith("pc") ? "ABORTED" : "COMPENSATED").asInt()).as(flow).isEqualTo(2);
            assertThat(row.path("latencyP50Ms").asLong()).as(flow).isPositive();
        }
        JsonNode parallel = report.path("rows").get(1);
        assertThat(parallel.path("flow").asText()).isEqualTo("parallel");
        assertThat(parallel.path("compensations").asInt()).as("the charge made alongside was refunded").isEqualTo(2);
        assertThat(report.path("rows").get(0).path("kafkaMessages").asInt()).as("reserve and its refusal, twice").isEqualTo(4);

        PledgeCommand.Result declined = pledge.run("saga", "compare", "--failure", "payment-declined", "--orders", "1", "--warm-up", "1", "--json");
        assertThat(declined.exitCode()).as(declined.toString()).isZero();
        for (JsonNode row : JSON.readTree(declined.out()).path("rows")) {
            String flow = row.path("flow").asText();
            assertThat(row.path("invariantsHold").asBoolean()).as(flow).isTrue();
            assertThat(row.path("outcomes").path(flow.endsWith("pc") ? "ABORTED" : "COMPENSATED").asInt()).as(flow).isEqualTo(1);
        }
        PledgeCommand.Result timeout = pledge.run("saga", "compare", "--failure", "payment-timeout", "--orders", "1", "--warm-up", "1", "--json");
        assertThat(timeout.exitCode()).as(timeout.toString()).isZero();
        for (JsonNode row : JSON.readTree(timeout.out()).path("rows")) {
            assertThat(row.path("invariantsHold").asBoolean()).as(row.path("flow").asText()).isTrue();
        }

        PledgeCommand.Result bad = pledge.run("saga", "compare", "--failure", "meteor");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--failure must be one of none, payment-declined, out-of-stock, payment-timeout");
        PledgeCommand.Result badWarmUp = pledge.run("saga", "compare", "--warm-up", "-1");
        assertThat(badWarmUp.exitCode()).isEqualTo(2);
        assertThat(badWarmUp.err()).contains("--warm-up must be between 0 and 100, not -1");
        PledgeCommand.Result points = pledge.run("crash", "saga-orchestrator", "--list");
        assertThat(points.out()).contains("after-saga-start", "after-first-step", "before-compensation", "before-reply-commit");
    }

    @Test
    @Order(4)
    void invalidInputIsRejectedWithAClearErrorAndChangesNothing() throws Exception {
        int stock = totalStock();
        PledgeCommand.Result order = pledge.run("order", "--protocol", "2pc", "--amount", "-5");
        assertThat(order.exitCode()).as(order.toString()).isEqualTo(2);
        assertThat(order.err()).contains("400", "amount must be at least 0.01");
        PledgeCommand.Result protocol = pledge.run("order", "--protocol", "4pc");
        assertThat(protocol.exitCode()).isEqualTo(2);
        assertThat(protocol.err()).contains("--protocol must be 2pc");
        assertThat(totalStock()).isEqualTo(stock);
    }

    @Test
    @Order(5)
    void benchMeasuresEveryProtocolNextToItsBaselinesAndWritesItsResults() throws Exception {
        Path results = Path.of("target", "bench-results").toAbsolutePath();
        PledgeCommand.Result bench = pledge.run("bench", "--protocol", "all", "--clients", "2", "--duration", "2s",
                "--warmup", "1s", "--stack-warm-up", "2s", "--skus", "3", "--results", results.toString(), "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.err()).contains("2pc-floor", "orders", "/s", "fsync off")
                .contains("Warming the stack up: 2pc, 3pc, saga at 2 client(s), 2 s each");
        JsonNode report = JSON.readTree(bench.out());
        assertThat(report.path("settings").path("stackWarmupS").asInt()).isEqualTo(2);
        assertThat(report.path("machine").path("fsync").asBoolean(true)).as("the test stack runs with fsync off").isFalse();
        List<String> targets = completedRows(report);
        for (JsonNode row : report.path("rows")) {
            String target = row.path("target").asText();
            assertThat(row.path("throughput").asDouble()).as(target).isPositive();
            assertThat(row.path("latencyMs").path("p99").asDouble()).as(target)
                    .isGreaterThanOrEqualTo(row.path("latencyMs").path("p50").asDouble());
            assertThat(row.path("walFlushesPerOrder")).as(target).hasSize(5); // four databases and the total
        }
        assertThat(targets).containsExactly("2pc", "3pc", "saga", "local", "2pc-floor", "3pc-floor", "saga-floor", "narayana");
        JsonNode twoPc = report.path("rows").get(0);
        assertThat(twoPc.path("httpCallsPerOrder").asDouble()).as("the order, two prepares, two commits")
                .isBetween(5.0, 5.5);
        assertThat(report.path("ratios").path("2pc").path("floor").asDouble()).isPositive();
        assertThat(report.path("ratios").path("2pc").path("baseline").asDouble()).isPositive();
        assertThat(report.path("ratios").path("2pc").path("incumbent").asDouble()).isPositive();
        assertThat(report.path("ratios").path("saga").path("floor").asDouble()).isPositive();
        assertThat(report.path("ratios").path("3pc").has("incumbent")).isFalse();
        assertThat(report.path("backgroundCpuMsPerSecond").has("kafka")).as("the idle stack's CPU, per process").isTrue();
        assertThat(report.path("backgroundCpuMsPerSecond").path("total").asDouble()).isPositive();
        JsonNode costs = report.path("costRatiosByClients").path("2");
        for (String protocol : List.of("2pc", "3pc", "saga")) {
            assertThat(costs.path(protocol).path("cpu").asDouble()).as(protocol + ": CPU per order to its floor's").isPositive();
            assertThat(costs.path(protocol).path("p50").asDouble()).as(protocol + ": p50 to its floor's").isPositive();
        }
        for (JsonNode file : report.path("files")) {
            assertThat(Path.of(file.asText())).as(file.asText()).exists().isNotEmptyFile();
        }
        assertThat(report.path("files")).hasSize(6);
        assertThat(preparedTransactions(Stack.PG_INVENTORY, "inventory") + preparedTransactions(Stack.PG_PAYMENT, "payment"))
                .as("no prepared transaction left behind by the floors or Narayana").isZero();

        PledgeCommand.Result bad = pledge.run("bench", "--clients", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--clients must be between 1 and 64");
        PledgeCommand.Result badDuration = pledge.run("bench", "--duration", "soon");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("--duration takes a number and a unit");
    }

    @Test
    @Order(5)
    void benchOnOneProductAndOneAccountPutsEveryOrderOnTheSameTwoRows() throws Exception {
        Path results = Path.of("target", "bench-results-hot").toAbsolutePath();
        PledgeCommand.Result bench = pledge.run("bench", "--protocol", "2pc", "--clients", "4", "--duration", "2s",
                "--warmup", "1s", "--stack-warm-up", "0s", "--skus", "1", "--accounts", "1", "--results", results.toString(),
                "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.err()).contains("over 1 product(s), 1 shared account(s)").doesNotContain("Warming the stack up");
        JsonNode report = JSON.readTree(bench.out());
        assertThat(report.path("settings").path("skus").asInt()).isEqualTo(1);
        assertThat(report.path("settings").path("accounts").asInt()).isEqualTo(1);
        // prepares in parallel on two shared rows could wait for each other across the databases: the floor asks in turn
        assertThat(completedRows(report)).containsExactly("2pc", "local", "2pc-floor", "narayana");
        assertThat(preparedTransactions(Stack.PG_INVENTORY, "inventory") + preparedTransactions(Stack.PG_PAYMENT, "payment"))
                .as("nothing left prepared on the shared rows").isZero();

        PledgeCommand.Result bad = pledge.run("bench", "--accounts", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--accounts must be between 1 and 1000, not 0");
    }

    /** The rows' targets, each row checked to have committed orders and failed none. */
    private static List<String> completedRows(JsonNode report) {
        List<String> targets = new ArrayList<>();
        for (JsonNode row : report.path("rows")) {
            String target = row.path("target").asText();
            targets.add(target);
            assertThat(row.path("errors").asLong()).as(target).isZero();
            assertThat(row.path("committed").asLong()).as(target).isPositive();
        }
        return targets;
    }

    @Test
    @Order(5)
    void upTwiceIsHarmlessAndStatusShowsEveryComponentHealthy() throws Exception {
        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(up.out().lines().filter(l -> l.contains("already running"))).hasSize(COMPONENTS);

        JsonNode status = status();
        assertThat(status.path("components")).hasSize(COMPONENTS);
        for (JsonNode c : status.path("components")) {
            assertThat(c.path("healthy").asBoolean()).as(c.toString()).isTrue();
            assertThat(Processes.isAlive(c.path("pid").asLong())).isTrue();
        }
    }

    @Test
    @Order(6)
    void aKilledServiceShowsAsStaleAndUpRestartsIt() throws Exception {
        long pid = pidOf(status(), Stack.INVENTORY);
        Processes.signal(pid, "KILL");
        assertThat(Processes.awaitExit(pid, java.time.Duration.ofSeconds(10))).isTrue();

        PledgeCommand.Result stale = pledge.run("status");
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.out()).containsPattern("inventory +service .* STALE");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!suspected(status(), Stack.INVENTORY)) {
            assertThat(System.nanoTime()).as("the coordinator's failure detector suspects inventory").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(pledge.run("status").out()).containsPattern("inventory .*SUSPECTED");

        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(up.out()).contains("replaced a stale PID file");
        assertThat(pledge.run("order", "--protocol", "2pc").exitCode()).isZero();
    }

    @Test
    @Order(7)
    void demoChaptersRunAloneAndAgainOnTheSameStack() throws Exception {
        int stock = totalStock();
        BigDecimal money = totalMoney();
        PledgeCommand.Result order = pledge.run("demo", "--chapter", "order");
        assertThat(order.exitCode()).as(order.toString()).isZero();
        assertThat(order.out()).contains("== Chapter 1 of 3", "Everything behaved as expected")
                .doesNotContain("== Chapter 2 of 3", "== Chapter 3 of 3", "NOT OK");
        PledgeCommand.Result saga = pledge.run("demo", "--chapter", "saga");
        assertThat(saga.exitCode()).as(saga.toString()).isZero();
        assertThat(saga.out()).contains("== Chapter 3 of 3", "Everything behaved as expected")
                .doesNotContain("== Chapter 1 of 3", "NOT OK");
        assertThat(totalStock()).as("the order chapter's order A only").isEqualTo(stock - 1);
        assertThat(totalMoney()).isEqualByComparingTo(money.subtract(new BigDecimal("12.50")));

        PledgeCommand.Result bad = pledge.run("demo", "--chapter", "everything");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--chapter must be order, blocking or saga, not 'everything'");

        // a chapter that does not go as it says exits 1 and names the check: payment answers order A too late
        PledgeCommand.Result pause = pledge.run("crash", "payment", "--at", "after-prepare", "--pause", "7000");
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        PledgeCommand.Result late = pledge.run("demo", "--chapter", "order");
        assertThat(late.exitCode()).as(late.toString()).isEqualTo(1);
        assertThat(late.out()).contains("NOT OK order A committed", "Something did not behave as expected",
                "1. order     NOT as expected");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (preparedTransactions(Stack.PG_PAYMENT, "payment") > 0) {
            assertThat(System.nanoTime()).as("the late branch is aborted").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(totalMoney()).isEqualByComparingTo(money.subtract(new BigDecimal("12.50")));
    }

    /** Stopped while the coordinator is down and the probe waits: the demo aborts the probe and restarts it. */
    @Test
    @Order(8)
    void stoppingTheDemoDuringTheBlockingChapterPutsBackWhatItChanged() throws Exception {
        PledgeCommand.Running demo = pledge.start("demo", "--chapter", "blocking");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        while (!demo.outSoFar().contains("the second order is still waiting on the lock")) {
            assertThat(System.nanoTime()).as("the coordinator halted and the second order waits:\n%s", demo.outSoFar())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        // the chapter keeps the coordinator down 5 s: read its PID file here rather than start a `status` JVM,
        // which on a loaded machine can take long enough for the chapter to have restarted it
        assertThat(pledge.stack().service(Stack.COORDINATOR).runningPid()).as("the coordinator is down").isEmpty();
        // Ctrl-C (SIGINT) and SIGTERM both run the JVM's shutdown hooks. A build started in the background
        // inherits SIGINT ignored, and a JVM keeps an ignored SIGINT ignored, so the test sends SIGTERM to the
        // CLI's JVM (the script execs it: it is the process started)
        Processes.signal(demo.process().pid(), "TERM");
        PledgeCommand.Result r = demo.finish(java.time.Duration.ofMinutes(3));
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.out()).contains("Interrupted: putting back what was changed")
                .containsPattern("abort the second order's branch probe-[0-9a-f-]+ on inventory: done")
                .contains("restart coordinator: done");
        assertThat(pledge.run("status").exitCode()).as("every component is up again").isZero();
        while (preparedTransactions(Stack.PG_INVENTORY, "inventory") + preparedTransactions(Stack.PG_PAYMENT, "payment") > 0) {
            assertThat(System.nanoTime()).as("the restarted coordinator's recovery ends the halted order")
                    .isLessThan(deadline + java.time.Duration.ofSeconds(60).toNanos());
            Thread.sleep(200);
        }
        assertThat(pledge.run("crash", "coordinator", "--list").out()).contains("armed: none");
    }

    @Test
    @Order(9)
    void theBlockingExperimentShowsTwoPhaseCommitBlockingUntilTheCoordinatorReturns() throws Exception {
        PledgeCommand.Result run = pledge.run("experiment", "blocking", "--protocol", "2pc", "--hold-seconds", "2", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("protocol").asText()).isEqualTo("2PC");
        assertThat(report.path("crashPoint").asText()).isEqualTo("after-votes");
        assertThat(report.path("blockedUntilRestart").asBoolean()).isTrue();
        assertThat(report.path("secondOrderWaitedFor").asText()).isEqualTo("COORDINATOR_RESTART");
        assertThat(report.path("secondOrderWaitedMs").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(report.path("secondOrderVote").asText()).isEqualTo("YES");
        assertThat(report.path("outcome").asText()).isEqualTo("ABORTED");
        assertThat(report.path("invariantsHold").asBoolean()).isTrue();
        assertThat(report.path("preparedWhileDown")).hasSize(2);
        assertThat(preparedTransactions(Stack.PG_INVENTORY, "inventory")).isZero();
        assertThat(preparedTransactions(Stack.PG_PAYMENT, "payment")).isZero();

        PledgeCommand.Result threePhase = pledge.run("experiment", "blocking", "--protocol", "3pc", "--hold-seconds", "7", "--json");
        assertThat(threePhase.exitCode()).as(threePhase.toString()).isZero();
        JsonNode r3 = JSON.readTree(threePhase.out());
        assertThat(r3.path("protocol").asText()).isEqualTo("3PC");
        assertThat(r3.path("resolvedBeforeRestart").asBoolean()).as("participants decided without the coordinator").isTrue();
        assertThat(r3.path("blockedUntilRestart").asBoolean()).isFalse();
        assertThat(r3.path("secondOrderWaitedFor").asText()).isEqualTo("TERMINATION_PROTOCOL");
        assertThat(r3.path("secondOrderWaitedMs").asLong()).as("waited only for the participants' timeout").isLessThan(7000);
        assertThat(r3.path("outcome").asText()).isEqualTo("ABORTED");
        assertThat(r3.path("invariantsHold").asBoolean()).isTrue();

        PledgeCommand.Result inspect = pledge.run("inspect", "--json");
        assertThat(inspect.exitCode()).isZero();
        assertThat(JSON.readTree(inspect.out()).path("prepared")).isEmpty();
        PledgeCommand.Result inDoubt = pledge.run("in-doubt");
        assertThat(inDoubt.exitCode()).isZero();
        assertThat(inDoubt.out()).contains("No unfinished transactions.");
        PledgeCommand.Result resolveUnknown = pledge.run("resolve", "6b1f8a53-0000-4000-8000-000000000000", "--abort",
                "--by", "ops", "--reason", "test");
        assertThat(resolveUnknown.exitCode()).isEqualTo(2);
        assertThat(resolveUnknown.err()).contains("404");
        PledgeCommand.Result points = pledge.run("crash", "coordinator", "--list");
        assertThat(points.out()).contains("after-first-commit", "armed: none");
        PledgeCommand.Result unknown = pledge.run("crash", "coordinator", "--at", "nowhere");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown crash point 'nowhere'");
    }

    @Test
    @Order(10)
    void downStopsEveryProcessItStartedAndKeepsTheData() throws Exception {
        List<Long> pids = new ArrayList<>();
        status().path("components").forEach(c -> pids.add(c.path("pid").asLong()));
        assertThat(pids).hasSize(COMPONENTS).doesNotContain(0L);

        PledgeCommand.Result down = pledge.run("down");
        assertThat(down.exitCode()).as(down.toString()).isZero();
        for (long pid : pids) {
            assertThat(Processes.isAlive(pid)).as("pid %d still running", pid).isFalse();
        }
        assertThat(pledge.run("status").exitCode()).isEqualTo(1);
        assertThat(Path.of(pledge.env().get("PLEDGE_STATE_DIR"), "data", Stack.PG_INVENTORY, "PG_VERSION")).exists();
    }

    private static void assertCompleted(String flow, PledgeCommand.Result saga) {
        assertThat(saga.exitCode()).as(saga.toString()).isZero();
        assertThat(saga.out()).contains("(" + flow + ")", "COMPLETED in");
    }

    private static JsonNode status() throws Exception {
        return JSON.readTree(pledge.run("status", "--json").out());
    }

    private static boolean suspected(JsonNode status, String participant) {
        for (JsonNode p : status.path("participants")) {
            if (p.path("name").asText().equals(participant)) {
                return p.path("suspected").asBoolean();
            }
        }
        return false;
    }

    private static long pidOf(JsonNode status, String name) {
        for (JsonNode c : status.path("components")) {
            if (c.path("name").asText().equals(name)) {
                return c.path("pid").asLong();
            }
        }
        throw new AssertionError("no component " + name + " in " + status);
    }

    private static Connection connect(String server, String db) throws SQLException {
        return pledge.stack().postgres(server).connect(db);
    }

    /** Transaction ids whose branch committed in this participant's database. */
    private static Set<String> committedTransactions(String server, String db) throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection c = connect(server, db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT gid FROM branches WHERE state = 'COMMITTED'")) {
            while (rs.next()) {
                String gid = rs.getString(1);
                ids.add(gid.substring(0, gid.lastIndexOf('.')));
            }
        }
        return ids;
    }

    /** The ids of the dashboard links ({@code /#transaction/ID}) a command printed, in order. */
    private static List<String> links(String out, String kind) {
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/#" + kind + "/([0-9a-f-]{36})").matcher(out);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** A branch's state in a participant's branches table. */
    private static String branchState(String server, String db, String txId) throws SQLException {
        try (Connection c = connect(server, db);
             java.sql.PreparedStatement s = c.prepareStatement("SELECT state FROM branches WHERE gid = ?")) {
            s.setString(1, txId + "." + db);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : "none";
            }
        }
    }

    private static int preparedTransactions(String server, String db) throws SQLException {
        try (Connection c = connect(server, db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int totalStock() throws SQLException {
        try (Connection c = connect(Stack.PG_INVENTORY, "inventory"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(stock) FROM products")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int stock(String sku) throws SQLException {
        try (Connection c = connect(Stack.PG_INVENTORY, "inventory");
             java.sql.PreparedStatement s = c.prepareStatement("SELECT stock FROM products WHERE sku = ?")) {
            s.setString(1, sku);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static BigDecimal totalMoney() throws SQLException {
        try (Connection c = connect(Stack.PG_PAYMENT, "payment"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(balance) FROM accounts")) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }
}
