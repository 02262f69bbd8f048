package dev.pledge.cli;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.chaos.contention.WaitForGraph;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;

/**
 * The blocking story, unattended: crash the coordinator between the votes and the decision, show the
 * participants holding prepared transactions and their locks, measure how long a second order on the same
 * product waits, restart the coordinator, measure the time to resolution, and check the invariants. When
 * other coordinator replicas run, the crashed one stays down until a survivor has taken the transaction
 * over (once the crashed replica's lease expired) and finished it.
 */
final class BlockingExperiment {
    static final String CRASH_POINT = "after-votes";
    private static final BigDecimal PRICE = new BigDecimal("12.50");
    /** How long survivors may take to finish a crashed replica's transaction: its lease, then recovery. */
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(60);

    private final Stack stack;
    private final Duration hold;
    private final Consumer<String> out;
    private final Undo undo;
    private final List<String> timeline = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private boolean restartOnceResolved;
    private boolean waitShown;
    private CompletableFuture<?> probe;
    /** The second order had its answer while the first order's branches were still prepared. */
    private boolean answeredWhileHeld;

    BlockingExperiment(Stack stack, Duration hold, Consumer<String> out, Undo undo) {
        this.stack = stack;
        this.hold = hold;
        this.out = out;
        this.undo = undo;
    }

    /**
     * Restarts the coordinator as soon as the participants have ended the transaction and the second order has
     * its answer, instead of keeping it down for the whole hold time (the hold is then an upper bound).
     */
    BlockingExperiment restartingOnceResolved() {
        this.restartOnceResolved = true;
        return this;
    }

    BlockingReport run(String protocol) throws Exception {
        List<QuarkusService> replicas = stack.replicas(Stack.COORDINATOR);
        QuarkusService coordinator = replicas.get(0);
        List<QuarkusService> survivors = replicas.subList(1, replicas.size()).stream()
                .filter(r -> r.runningPid().isPresent()).toList();
        String front = stack.service(Stack.COORDINATOR).baseUrl();
        String inventory = stack.service(Stack.INVENTORY).baseUrl();
        String payment = stack.service(Stack.PAYMENT).baseUrl();
        String sku = "BOOK-001";
        int stock0 = Api.get(inventory + "/products/" + sku).path("stock").asInt();
        BigDecimal balance0 = new BigDecimal(Api.get(payment + "/accounts/acc-alice").path("balance").asText());

        Api.put(coordinator.baseUrl() + "/admin/crash-points/" + CRASH_POINT);
        Object armed = undo.add("disarm crash point " + CRASH_POINT + " on " + coordinator.name(),
                () -> Api.delete(coordinator.baseUrl() + "/admin/crash-points/" + CRASH_POINT));
        long coordinatorPid = coordinator.runningPid().orElseThrow();
        note("armed crash point " + CRASH_POINT + " on " + coordinator.name() + " (pid " + coordinatorPid + ")"
                + (survivors.isEmpty() ? "" : "; " + survivors.size() + " other replica(s) running"));
        CompletableFuture<JsonNode> order = CompletableFuture.supplyAsync(
                () -> OrderCommand.submit(coordinator.baseUrl(), protocol, sku, 1, "acc-alice", PRICE, null));
        note("order submitted to " + coordinator.name() + ": 1 x " + sku + ", " + PRICE + " from acc-alice, protocol "
                + protocol);
        if (!Processes.awaitExit(coordinatorPid, Duration.ofSeconds(30))) {
            throw new IllegalStateException("the coordinator did not crash at " + CRASH_POINT);
        }
        long crashedAt = System.nanoTime();
        undo.done(armed);
        Object halted = undo.add("restart " + coordinator.name(), () -> {
            if (coordinator.runningPid().isEmpty()) {
                coordinator.start();
            }
            coordinator.awaitReady(Duration.ofSeconds(120));
        });
        note(coordinator.name() + " halted at " + CRASH_POINT + ": the order's client got "
                + order.handle((r, e) -> e == null ? "an answer?!" : "no answer").get(5, TimeUnit.SECONDS));

        List<Inspector.PreparedBranch> held = Inspector.prepared(stack);
        String txId = held.stream().map(p -> p.gid().substring(0, p.gid().lastIndexOf('.'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no participant holds a prepared transaction"));
        note("  watch it on the dashboard: " + stack.service(Stack.DASHBOARD).baseUrl() + "/#transaction/" + txId);
        for (Inspector.PreparedBranch p : held) {
            note("  " + p.participant() + " holds prepared " + p.gid() + " (rows " + p.rows() + "; " + p.locks() + ")");
        }

        String probeGid = "probe-" + UUID.randomUUID();
        long probeStart = System.nanoTime();
        CompletableFuture<JsonNode> probe = CompletableFuture.supplyAsync(() -> Api.post(
                inventory + "/branches/" + probeGid + "/prepare",
                Api.JSON.createObjectNode().set("operation", Api.JSON.createObjectNode().put("sku", sku).put("qty", 1))));
        CompletableFuture<Long> probeAnswered = probe.handle((r, e) -> System.nanoTime());
        this.probe = probe;
        Object probing = undo.add("abort the second order's branch " + probeGid + " on inventory",
                () -> Api.post(inventory + "/branches/" + probeGid + "/abort", Api.JSON.createObjectNode()));
        note("second order on " + sku + " sent straight to inventory (prepare " + probeGid + ")");
        long resolvedAt = survivors.isEmpty() ? waitWhileDown(probe, txId) : awaitTakeover(probe, txId);
        boolean beforeRestart = resolvedAt > 0;
        // with replicas running, a survivor takes the transaction over once the lease expired, unless the
        // participants (3PC) ended it first: then it is still the crashed replica's
        String owner = survivors.isEmpty() ? coordinator.name()
                : Api.get(front + "/transactions/" + txId).path("owner").asText();
        boolean takenOver = !owner.equals(coordinator.name());
        String resolvedBy = takenOver ? owner + ", which took it over once the lease of " + coordinator.name() + " expired"
                : "the participants' termination protocol";

        long restartedAt = System.nanoTime();
        coordinator.start();
        coordinator.awaitReady(Duration.ofSeconds(120));
        undo.done(halted);
        note(coordinator.name() + " restarted; recovery runs at start-up");
        if (!beforeRestart) {
            resolvedAt = awaitResolved(txId, Duration.ofSeconds(60));
            resolvedBy = "the restarted coordinator's recovery";
            note("in-doubt transaction " + txId + " resolved by the coordinator's recovery");
        }
        JsonNode probeVote = probe.get(60, TimeUnit.SECONDS);
        long answeredAt = probeAnswered.get();
        long waitedMs = (answeredAt - probeStart) / 1_000_000;
        BlockingReport.WaitedFor waitedFor = answeredWhileHeld ? BlockingReport.WaitedFor.NOTHING
                : !beforeRestart ? BlockingReport.WaitedFor.COORDINATOR_RESTART
                : takenOver ? BlockingReport.WaitedFor.REPLICA_TAKEOVER : BlockingReport.WaitedFor.TERMINATION_PROTOCOL;
        String reason = probeVote.hasNonNull("reason") ? probeVote.get("reason").asText() : null;
        note("second order's prepare answered " + probeVote.path("vote").asText() + " after " + waitedMs + " ms"
                + (reason != null ? " (" + reason + ")" : "") + (answeredAt >= restartedAt && !beforeRestart
                        ? ", once the coordinator was back" : ""));
        Api.post(inventory + "/branches/" + probeGid + "/abort", Api.JSON.createObjectNode());
        undo.done(probing);
        note("second order aborted again (it was only a probe)");

        String outcome = awaitOutcome(front + "/transactions/" + txId, Duration.ofSeconds(60));
        note("the coordinator's log says " + outcome);
        List<String> invariants = checkInvariants(txId, outcome, sku, stock0, balance0);
        return new BlockingReport(protocol.toUpperCase(Locale.ROOT), CRASH_POINT, survivors.size() + 1, txId, !beforeRestart,
                waitedMs, waitedFor, probeVote.path("vote").asText(), reason,
                (resolvedAt - crashedAt) / 1_000_000, resolvedBy, beforeRestart, outcome,
                invariants.stream().noneMatch(s -> s.startsWith("VIOLATED")), invariants, held, timeline);
    }

    /**
     * Keeps the coordinator down for the hold time, reporting each second.
     *
     * @return when the participants resolved the transaction by themselves, or 0 if they did not
     */
    private long waitWhileDown(CompletableFuture<JsonNode> probe, String txId) throws InterruptedException, SQLException {
        long resolvedAt = 0;
        long until = System.nanoTime() + hold.toNanos();
        long nextNote = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            Thread.sleep(50);
            if (resolvedAt == 0 && !stillPrepared(txId)) {
                resolvedAt = System.nanoTime();
                note("  the participants resolved " + txId + " by themselves, the coordinator still down");
            }
            if (restartOnceResolved && resolvedAt != 0 && probe.isDone()) {
                break;
            }
            if (System.nanoTime() >= nextNote) {
                nextNote += 1_000_000_000L;
                progress(probe, "");
            }
        }
        return resolvedAt;
    }

    /**
     * With other replicas running, the crashed one stays down until they have finished its transaction.
     *
     * @return when the participants no longer held it prepared
     */
    private long awaitTakeover(CompletableFuture<JsonNode> probe, String txId) throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + TAKEOVER_LIMIT.toNanos();
        long nextNote = System.nanoTime() + 1_000_000_000L;
        while (stillPrepared(txId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no surviving replica finished " + txId + " within "
                        + TAKEOVER_LIMIT.toSeconds() + " s of the crash");
            }
            Thread.sleep(50);
            if (System.nanoTime() >= nextNote) {
                nextNote += 1_000_000_000L;
                progress(probe, "; the crashed replica's lease has not expired yet");
            }
        }
        note("  " + txId + " was ended with the crashed replica still down");
        return System.nanoTime();
    }

    /** Each second: whether the second order still waits; the first time, for which row and whose lock. */
    private void progress(CompletableFuture<JsonNode> probe, String why) {
        if (probe.isDone()) {
            note("  the second order has its answer");
            return;
        }
        if (!waitShown) {
            waitShown = true;
            List<String> unread = new ArrayList<>();
            List<WaitForGraph.Edge> waits = WaitForGraph.edges(WaitForGraph.read(InspectCommand.participantUrls(stack),
                    unread));
            for (WaitForGraph.Edge e : waits) {
                note(String.format("  %s: %s waits %.1f s for %s, held by %s (%s %.1f s)", e.participant(),
                        e.waiterGid(), e.waitingMs() / 1000.0, e.row() == null ? "a lock" : e.row(), e.holderGid(),
                        e.holderKind().toLowerCase(Locale.ROOT), e.heldMs() / 1000.0));
            }
            if (!waits.isEmpty()) {
                return;
            }
        }
        note("  the second order is still waiting on the lock" + why);
    }

    /** The transaction's outcome once the coordinator's recovery has finished it. */
    private static String awaitOutcome(String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String outcome = Api.get(url).path("outcome").asText();
        while ("IN_DOUBT".equals(outcome) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            outcome = Api.get(url).path("outcome").asText();
        }
        return outcome;
    }

    /**
     * Whether a branch of the transaction is still prepared; notes a second order answered while inventory's
     * branch, the one holding the row it asked for, was still prepared (payment's branch may be ended after
     * inventory's: an answer then is not an answer "while held").
     */
    private boolean stillPrepared(String txId) throws SQLException {
        boolean answered = probe != null && probe.isDone();
        List<Inspector.PreparedBranch> held = Inspector.prepared(stack).stream()
                .filter(p -> p.gid().startsWith(txId)).toList();
        answeredWhileHeld |= answered && held.stream().anyMatch(p -> p.participant().equals(Stack.INVENTORY));
        return !held.isEmpty();
    }

    private long awaitResolved(String txId, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stillPrepared(txId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("transaction " + txId + " still prepared " + timeout.toSeconds()
                        + " s after the restart");
            }
            Thread.sleep(50);
        }
        return System.nanoTime();
    }

    private List<String> checkInvariants(String txId, String outcome, String sku, int stock0, BigDecimal balance0)
            throws SQLException {
        List<String> results = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (Inspector.Participant p : Inspector.PARTICIPANTS) {
            states.add(Inspector.branchState(stack, p, txId + "." + p.name()));
        }
        boolean atomic = states.stream().distinct().count() == 1 && !states.get(0).equals("PREPARED");
        results.add((atomic ? "holds" : "VIOLATED") + ": atomicity, branches " + String.join(" / ", states));
        boolean none = Inspector.prepared(stack).isEmpty();
        results.add((none ? "holds" : "VIOLATED") + ": no prepared transaction remains");
        int stock = Api.get(stack.service(Stack.INVENTORY).baseUrl() + "/products/" + sku).path("stock").asInt();
        BigDecimal balance = new BigDecimal(Api.get(stack.service(Stack.PAYMENT).baseUrl() + "/accounts/acc-alice")
                .path("balance").asText());
        boolean committed = "COMMITTED".equals(outcome);
        boolean conserved = stock == stock0 - (committed ? 1 : 0)
                && balance.compareTo(committed ? balance0.subtract(PRICE) : balance0) == 0;
        results.add((conserved ? "holds" : "VIOLATED") + ": conservation, stock " + stock0 + " -> " + stock
                + ", balance " + balance0 + " -> " + balance + " for outcome " + outcome);
        return results;
    }

    private void note(String line) {
        String stamped = String.format("t+%6.2f s  %s", (System.nanoTime() - t0) / 1e9, line);
        timeline.add(stamped);
        out.accept(stamped);
    }

}
