package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pledge.identity.Caller;
import dev.pledge.stack.PostgresServer;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;

/**
 * Real crashes at every named crash point, under a few concurrent orders: the process halts mid-protocol,
 * is restarted, recovery finishes the work, and the invariants are checked in the databases directly.
 */
class CrashRecoveryIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private static final java.util.concurrent.atomic.AtomicInteger ACCOUNTS = new java.util.concurrent.atomic.AtomicInteger();

    private static Stack stack;
    private static Ledger ledger;
    private static ExecutorService clients;

    @BeforeAll
    static void startStack() throws IOException {
        // generous participant timeouts: contention must queue on row locks, not time out
        stack = TestStacks.up("pledge-crash-test", Map.of(
                "PLEDGE_COORDINATOR_CALL_TIMEOUT", "30s",
                "PLEDGE_COORDINATOR_DEFAULT_TRANSACTION_TIMEOUT", "60s",
                "PLEDGE_COORDINATOR_RECOVERY_INTERVAL", "1s"));
        ledger = TestStacks.ledger(stack);
        clients = Executors.newFixedThreadPool(50);
    }

    @AfterAll
    static void stopStack() {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (stack != null) {
            stack.down(System.out::println, false);
        }
    }

    @ParameterizedTest(name = "{0}: {1} crashes at {2}")
    @CsvSource({
        "2PC, coordinator, before-prepare",
        "2PC, coordinator, after-first-prepare",
        "2PC, coordinator, after-votes",
        "2PC, coordinator, after-decision",
        "2PC, coordinator, after-first-commit",
        "2PC, inventory, after-prepare",
        "2PC, inventory, before-commit",
        "2PC, payment, after-prepare",
        "2PC, payment, before-commit",
        "3PC, coordinator, before-prepare",
        "3PC, coordinator, after-first-prepare",
        "3PC, coordinator, after-votes",
        "3PC, coordinator, after-decision",
        "3PC, coordinator, after-first-precommit",
        "3PC, coordinator, after-precommits",
        "3PC, coordinator, after-first-docommit",
        "3PC, inventory, after-prepare",
        "3PC, inventory, before-precommit",
        "3PC, inventory, before-commit",
        "3PC, payment, after-prepare",
        "3PC, payment, before-precommit",
        "3PC, payment, before-commit",
    })
    void recoversFromACrashAndKeepsTheInvariants(String protocol, String service, String point) throws Exception {
        QuarkusService victim = stack.service(service);
        long pid = victim.runningPid().orElseThrow();
        put(victim.baseUrl() + "/admin/crash-points/" + point);

        List<CompletableFuture<String>> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String account = nextAccount();
            orders.add(CompletableFuture.supplyAsync(() -> order(protocol, "BOOK-001", account), clients));
        }
        assertThat(Processes.awaitExit(pid, Duration.ofSeconds(60))).as("%s halted at %s", service, point).isTrue();
        victim.start();
        victim.awaitReady(Duration.ofSeconds(120));
        orders.forEach(CompletableFuture::join);

        awaitQuiet();
        assertThat(ledger.violations()).as("%s: after %s crashed at %s", protocol, service, point).isEmpty();
    }

    /**
     * A split the earlier termination rules allowed with no partition at all: the coordinator halts between its
     * two pre-commits, the pre-committed participant is killed, and the other, merely prepared and alone, aborts
     * by termination. The first then restarts: a recovering site adopts the outcome its peer reached instead of
     * committing from its own pre-committed state, and the coordinator, back last, finds it decided.
     */
    @Test
    void aPrecommittedParticipantThatRestartsAdoptsTheAbortItsPeerReachedAlone() throws Exception {
        QuarkusService coordinator = stack.service(Stack.COORDINATOR);
        long coordinatorPid = coordinator.runningPid().orElseThrow();
        // payment's pre-commit is late on the wire (held before it is handled); inventory's arrives, and the
        // coordinator halts once inventory has acknowledged it
        put(stack.service(Stack.PAYMENT).baseUrl() + "/admin/crash-points/before-precommit/pause?millis=30000");
        put(coordinator.baseUrl() + "/admin/crash-points/after-first-precommit");
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> order("3PC", "BOOK-001", nextAccount()), clients);
        assertThat(Processes.awaitExit(coordinatorPid, Duration.ofSeconds(60))).as("coordinator halted").isTrue();

        List<String> precommitted = ledger.precommitted(true);
        assertThat(precommitted).as("inventory pre-committed").hasSize(1);
        assertThat(ledger.precommitted(false)).as("payment merely prepared").isEmpty();
        String gid = precommitted.get(0);
        String id = gid.substring(0, gid.lastIndexOf('.'));
        QuarkusService victim = stack.service(Stack.INVENTORY);
        long victimPid = victim.runningPid().orElseThrow();
        Processes.signal(victimPid, "KILL");
        assertThat(Processes.awaitExit(victimPid, Duration.ofSeconds(30))).as("inventory killed").isTrue();

        String alone = awaitBranchDecided(false, id);
        assertThat(alone).as("the merely prepared participant, alone, aborts").isEqualTo("ABORTED");
        victim.start();
        victim.awaitReady(Duration.ofSeconds(120));
        assertThat(awaitBranchDecided(true, id)).as("the restarted participant adopts its peer's abort")
                .isEqualTo("ABORTED");

        coordinator.start();
        coordinator.awaitReady(Duration.ofSeconds(120));
        assertThat(answer.join()).isEqualTo("no answer");
        awaitQuiet();
        assertThat(ledger.violations()).isEmpty();
    }

    /**
     * A participant halted in the middle of its termination protocol, once it has decided and before it acts:
     * the other, alone, aborts; the first, restarted, is a recovering site and adopts that abort.
     */
    @Test
    void aParticipantHaltedMidTerminationAdoptsOnRestartWhatItsPeerDecided() throws Exception {
        QuarkusService coordinator = stack.service(Stack.COORDINATOR);
        QuarkusService inventory = stack.service(Stack.INVENTORY);
        long coordinatorPid = coordinator.runningPid().orElseThrow();
        long inventoryPid = inventory.runningPid().orElseThrow();
        put(inventory.baseUrl() + "/admin/crash-points/termination-decided");
        put(coordinator.baseUrl() + "/admin/crash-points/after-decision");
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> order("3PC", "BOOK-001", nextAccount()), clients);
        assertThat(Processes.awaitExit(coordinatorPid, Duration.ofSeconds(60))).as("coordinator halted").isTrue();
        List<String> held = ledger.preparedBranches(false);
        assertThat(held).as("payment's branch prepared").hasSize(1);
        String id = held.get(0).substring(0, held.get(0).lastIndexOf('.'));
        assertThat(Processes.awaitExit(inventoryPid, Duration.ofSeconds(60))).as("inventory halted mid-termination").isTrue();

        assertThat(awaitBranchDecided(false, id)).as("payment, alone, aborts").isEqualTo("ABORTED");
        inventory.start();
        inventory.awaitReady(Duration.ofSeconds(120));
        assertThat(awaitBranchDecided(true, id)).as("inventory, restarted, adopts it").isEqualTo("ABORTED");

        coordinator.start();
        coordinator.awaitReady(Duration.ofSeconds(120));
        assertThat(answer.join()).isEqualTo("no answer");
        awaitQuiet();
        assertThat(ledger.violations()).isEmpty();
    }

    /** The branch's final state on one participant, once it has one. */
    private static String awaitBranchDecided(boolean inventory, String id) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (ledger.branches(inventory).get(id) == null) {
            assertThat(System.nanoTime()).as("%s's branch of %s still undecided after %s", inventory ? "inventory"
                    : "payment", id, SETTLE).isLessThan(deadline);
            Thread.sleep(100);
        }
        return ledger.branches(inventory).get(id);
    }

    @Test
    void fiftyConcurrentOrdersForTenTicketsCommitExactlyTen() throws Exception {
        List<CompletableFuture<String>> orders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String account = nextAccount();
            orders.add(CompletableFuture.supplyAsync(() -> order("2PC", "TICKET-10", account), clients));
        }
        List<String> answers = orders.stream().map(CompletableFuture::join).toList();
        awaitQuiet();
        assertThat(answers.stream().filter("COMMITTED"::equals).count()).as("outcomes: %s", answers).isEqualTo(10);
        assertThat(answers.stream().filter("ABORTED"::equals).count()).as("outcomes: %s", answers).isEqualTo(40);
        assertThat(ledger.stock("TICKET-10")).as("nothing oversold").isZero();
        assertThat(ledger.violations()).isEmpty();
    }

    /**
     * Presumed abort with a one-forced-write coordinator: its begin record is an asynchronous commit, so a
     * crash of its database can lose a transaction whose branches are already prepared. Here PostgreSQL's
     * WAL writer (and every other background writer) is stopped, the coordinator holds at {@code after-votes},
     * and the coordinator's PostgreSQL is killed with SIGKILL: the begin record is gone after the restart.
     * Nothing decides those branches but the participants' inquiry, which hears that the coordinator has no
     * record of the transaction and aborts them.
     */
    @Test
    void branchesOfATransactionLostWithTheCoordinatorsDatabaseAreAbortedWhenTheParticipantsAsk() throws Exception {
        PostgresServer pg = stack.postgres(Stack.PG_COORDINATOR);
        long postmaster = pg.runningPid().orElseThrow();
        List<ProcessHandle> writers = ProcessHandle.of(postmaster).orElseThrow().children()
                .filter(p -> Processes.commandLine(p.pid()).orElse("").matches(".*(walwriter|background writer|checkpointer|autovacuum).*"))
                .toList();
        assertThat(writers).as("PostgreSQL's background writers").hasSizeGreaterThanOrEqualTo(3);
        writers.forEach(w -> Processes.signal(w.pid(), "STOP"));
        CompletableFuture<String> answer;
        String id;
        try {
            put(stack.service(Stack.COORDINATOR).baseUrl() + "/admin/crash-points/after-votes/pause?millis=8000");
            answer = CompletableFuture.supplyAsync(() -> order("2PC", "BOOK-001", nextAccount()), clients);
            id = awaitPreparedEverywhere();
        } finally {
            List<ProcessHandle> all = ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of());
            Processes.signal(postmaster, "KILL");
            all.forEach(p -> Processes.signal(p.pid(), "KILL"));
            all.forEach(p -> Processes.awaitExit(p.pid(), Duration.ofSeconds(10)));
            Processes.awaitExit(postmaster, Duration.ofSeconds(10));
        }
        pg.start();
        pg.awaitReady(Duration.ofSeconds(60));

        assertThat(answer.join()).as("the coordinator cannot decide a transaction its log lost").startsWith("HTTP 5");
        HttpResponse<String> lookup = HTTP.send(HttpRequest.newBuilder(URI.create(
                stack.service(Stack.COORDINATOR).baseUrl() + "/transactions/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lookup.statusCode()).as(lookup.body()).isEqualTo(404);
        assertThat(JSON.readTree(lookup.body()).path("type").asText()).isEqualTo("urn:pledge:problem:unknown-transaction");
        assertThat(ledger.prepared()).as("both branches wait: nobody else will decide them").isEqualTo(2);

        for (String participant : List.of(Stack.INVENTORY, Stack.PAYMENT)) {
            HttpResponse<String> asked = HTTP.send(HttpRequest.newBuilder(URI.create(stack.service(participant).baseUrl()
                    + "/admin/prepared-branches/inquiry")).POST(HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", stack.identities().minter(Caller.OPERATOR).bearer(Caller.EVERY_SERVICE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(asked.body()).path("aborted").asInt()).as("%s: %s", participant, asked.body()).isEqualTo(1);
        }
        assertThat(ledger.prepared()).isZero();
        assertThat(ledger.branches(true).get(id)).isEqualTo("ABORTED");
        assertThat(ledger.branches(false).get(id)).isEqualTo("ABORTED");
        assertThat(ledger.violations()).isEmpty();
    }

    /** The one transaction the coordinator is deciding, once both participants hold its branch prepared. */
    private static String awaitPreparedEverywhere() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(
                    stack.service(Stack.COORDINATOR).baseUrl() + "/transactions?state=PREPARING")).build(),
                    HttpResponse.BodyHandlers.ofString());
            com.fasterxml.jackson.databind.JsonNode preparing = JSON.readTree(list.body());
            if (preparing.size() == 1 && ledger.prepared() == 2) {
                return preparing.get(0).path("id").asText();
            }
            assertThat(System.nanoTime()).as("both branches prepared; now %s", list.body()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Waits until no transaction is unfinished and nothing is prepared. */
    private static void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (ledger.unfinished() > 0 || ledger.prepared() > 0) {
            assertThat(System.nanoTime()).as("still unfinished or prepared after %s", SETTLE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * A different funded account for every order: concurrent orders then contend on stock only. (Orders
     * contending on both a product and an account can deadlock across the two databases, which only the
     * participants' lock timeout breaks.)
     */
    private static String nextAccount() {
        return String.format("acc-load-%03d", ACCOUNTS.incrementAndGet() % 100 + 1);
    }

    /** Submits one order of 1.00; answers its outcome, "HTTP nnn", or "no answer" when the coordinator went away. */
    private static String order(String protocol, String sku, String account) {
        String body = "{\"sku\":\"" + sku + "\",\"qty\":1,\"account\":\"" + account
                + "\",\"amount\":\"1.00\",\"protocol\":\"" + protocol + "\"}";
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(stack.service(Stack.COORDINATOR).baseUrl() + "/orders"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 201) {
                return "HTTP " + resp.statusCode();
            }
            return JSON.readTree(resp.body()).path("outcome").asText();
        } catch (IOException e) {
            return "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no answer";
        }
    }

    private static void put(String url) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", TestStacks.asOperator(stack)).PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    }
}
