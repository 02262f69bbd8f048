package dev.pledge.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;

/**
 * Runs the same orders through every saga flow, one flow after the other, and measures each from the
 * orchestrator's timelines and the participants' databases: outcomes, steps, compensations, Kafka
 * messages, latency, how long each order's data disagreed, and whether the invariants hold.
 */
final class FlowComparison {
    static final List<String> FAILURES = List.of("none", "payment-declined", "out-of-stock", "payment-timeout");
    static final List<String> SAGA_FLOWS = List.of("sequential", "parallel", "forward-recovery", "choreography");
    private static final Duration PATIENCE = Duration.ofSeconds(240);

    /** Orders run through every flow before any is measured, and not counted, unless told otherwise. */
    static final int WARM_UP = 10;
    private static final BigDecimal WARM_UP_AMOUNT = new BigDecimal("0.01");

    /**
     * The order every flow runs: qty of sku, amount from each of the accounts (one order per account); and the
     * product the warm-up orders take, one that has stock.
     */
    record Plan(String sku, int qty, BigDecimal amount, List<String> accounts, String warmUpSku) {
    }

    /** One order's effect in each participant, read from their inboxes. */
    record Effects(EffectWindow stock, EffectWindow money) {
    }

    private final Stack stack;
    private final String failure;
    private final int orders;
    private final int warmUps;
    private final PrintStream progress;
    private final AtomicFlows atomic;

    FlowComparison(Stack stack, String failure, int orders, int warmUps, PrintStream progress) {
        this.stack = stack;
        this.failure = failure;
        this.orders = orders;
        this.warmUps = warmUps;
        this.progress = progress;
        this.atomic = new AtomicFlows(stack, failure);
    }

    Plan plan() {
        List<String> accounts = new ArrayList<>();
        for (int i = 1; i <= orders; i++) {
            accounts.add(String.format("acc-load-%03d", i));
        }
        BigDecimal amount = failure.equals("payment-declined") ? new BigDecimal("5000.00") : new BigDecimal("1.00");
        String inventory = url(Stack.INVENTORY);
        JsonNode best = null;
        for (JsonNode p : Api.get(inventory + "/products")) {
            if (best == null || p.path("stock").asInt() > best.path("stock").asInt()) {
                best = p;
            }
        }
        int rows = SAGA_FLOWS.size() + 2;
        boolean soldOut = failure.equals("out-of-stock");
        int needed = warmUps * rows + (failure.equals("none") ? orders * rows : soldOut ? 0 : orders);
        if (best == null || best.path("stock").asInt() < needed) {
            throw new IllegalStateException("the comparison needs " + needed + " units of one product (" + warmUps * rows
                    + " of them to warm every flow up), and the most any has is " + (best == null ? 0 : best.path("stock").asInt())
                    + "; use fewer --orders, or start over with ./pledge down --purge && ./pledge up");
        }
        String warmUpSku = best.path("sku").asText();
        if (soldOut) {
            int left = Api.get(inventory + "/products/SOLD-OUT").path("stock").asInt();
            if (left != 0) {
                throw new IllegalStateException("SOLD-OUT should have no stock but has " + left);
            }
            return new Plan("SOLD-OUT", 1, amount, accounts, warmUpSku);
        }
        return new Plan(warmUpSku, 1, amount, accounts, warmUpSku);
    }

    /**
     * Runs the warm-up's successful orders through every flow and protocol before any is measured, so
     * that no flow's figures include the services' warm-up (their first orders after a start are many times
     * slower). They take the warm-up product and 0.01 from the first account, and are not counted.
     */
    void warmUp(Plan plan) throws Exception {
        if (warmUps == 0) {
            return;
        }
        progress.printf("  warming up: %d orders through each flow, not counted ... ", warmUps);
        progress.flush();
        long start = System.nanoTime();
        String orchestrator = url(Stack.SAGA_ORCHESTRATOR);
        String account = plan.accounts().get(0);
        SagaFollower follower = new SagaFollower(orchestrator, progress);
        List<String> unexpected = new ArrayList<>();
        for (String flow : SAGA_FLOWS) {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < warmUps; i++) {
                JsonNode body = Api.JSON.createObjectNode().put("sku", plan.warmUpSku()).put("qty", 1).put("account", account)
                        .put("amount", WARM_UP_AMOUNT.toPlainString()).put("flow", flow);
                ids.add(UUID.fromString(Api.post(orchestrator + "/sagas/orders", body).path("id").asText()));
            }
            for (UUID id : ids) {
                String status = follower.follow(id, PATIENCE, false).path("status").asText();
                if (!status.equals("COMPLETED")) {
                    unexpected.add(flow + " " + id + " " + status);
                }
            }
        }
        for (String protocol : List.of("2pc", "3pc")) {
            for (int i = 0; i < warmUps; i++) {
                JsonNode tx = OrderCommand.submit(stack, protocol, plan.warmUpSku(), 1, account, WARM_UP_AMOUNT, null);
                if (!tx.path("outcome").asText().equals("COMMITTED")) {
                    unexpected.add(protocol + " " + tx.path("id").asText() + " " + tx.path("outcome").asText());
                }
            }
        }
        progress.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        if (!unexpected.isEmpty()) {
            progress.printf("  warning: %d warm-up order(s) did not succeed (%s); the figures below may include the"
                    + " stack's warm-up%n", unexpected.size(), String.join(", ", unexpected.subList(0, Math.min(3, unexpected.size()))));
        }
    }

    List<FlowRow> run(Plan plan) throws Exception {
        warmUp(plan);
        List<FlowRow> rows = new ArrayList<>();
        for (String flow : SAGA_FLOWS) {
            rows.add(timed(flow, () -> saga(flow, plan)));
        }
        for (String protocol : List.of("2pc", "3pc")) {
            rows.add(timed(protocol, () -> atomic.run(protocol, plan)));
        }
        return rows;
    }

    private FlowRow timed(String flow, Callable<FlowRow> work) throws Exception {
        progress.printf("  %-17s %d orders ... ", flow, orders);
        progress.flush();
        long start = System.nanoTime();
        FlowRow row = work.call();
        long wall = (System.nanoTime() - start) / 1_000_000;
        progress.printf("%s in %.1f s%n", row.outcomeText(), wall / 1000.0);
        return row.withWallMs(wall);
    }

    private FlowRow saga(String flow, Plan plan) throws Exception {
        Balances before = Balances.read(stack, plan);
        String orchestrator = url(Stack.SAGA_ORCHESTRATOR);
        String silence = url(Stack.PAYMENT) + "/admin/saga-silence/charge";
        boolean silent = failure.equals("payment-timeout");
        List<JsonNode> sagas = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        if (silent) {
            Api.put(silence);
        }
        try {
            for (String account : plan.accounts()) {
                JsonNode body = Api.JSON.createObjectNode().put("sku", plan.sku()).put("qty", plan.qty())
                        .put("account", account).put("amount", plan.amount().toPlainString()).put("flow", flow);
                ids.add(UUID.fromString(Api.post(orchestrator + "/sagas/orders", body).path("id").asText()));
            }
            SagaFollower follower = new SagaFollower(orchestrator, progress);
            for (UUID id : ids) {
                sagas.add(follower.follow(id, PATIENCE, false));
            }
        } finally {
            if (silent) {
                Api.delete(silence);
            }
        }
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        Latencies latency = new Latencies();
        Latencies inconsistent = new Latencies();
        int kafka = 0;
        Map<UUID, Effects> effects = effects(ids);
        List<String> problems = new ArrayList<>();
        List<Boolean> completed = new ArrayList<>();
        for (int i = 0; i < sagas.size(); i++) {
            JsonNode s = sagas.get(i);
            String status = SagaFollower.isFinal(s) ? s.path("status").asText() : "UNFINISHED";
            outcomes.merge(status, 1, Integer::sum);
            completed.add(status.equals("COMPLETED"));
            if (s.hasNonNull("durationMs")) {
                latency.record(s.path("durationMs").asLong());
            }
            for (JsonNode e : s.path("timeline")) {
                kafka += e.hasNonNull("topic") ? 1 : 0;
            }
            Effects fx = effects.getOrDefault(ids.get(i), new Effects(EffectWindow.NEVER, EffectWindow.NEVER));
            Instant end = s.hasNonNull("finishedAt") ? Instant.parse(s.path("finishedAt").asText()) : Instant.now();
            inconsistent.record(EffectWindow.disagreement(fx.stock(), fx.money(), end).toMillis());
            problems.addAll(outcomeMatchesEffects(ids.get(i), status, fx, end));
        }
        problems.addAll(Balances.read(stack, plan).check(before, plan, completed));
        int[] counts = inboxCounts(ids);
        return new FlowRow(flow, orders, outcomes, counts[0], counts[1], counts[2], kafka, latency.p50(), latency.p99(),
                latency.max(), inconsistent.p50(), inconsistent.max(), problems.isEmpty(), problems, 0);
    }

    private static List<String> outcomeMatchesEffects(UUID id, String status, Effects fx, Instant end) {
        Instant after = end.plusSeconds(3600);
        boolean stock = fx.stock().heldAt(after);
        boolean money = fx.money().heldAt(after);
        if (status.equals("COMPLETED") && !(stock && money)) {
            return List.of("saga " + id + " completed but stock held=" + stock + ", money held=" + money);
        }
        if (status.equals("COMPENSATED") && (stock || money)) {
            return List.of("saga " + id + " compensated but stock held=" + stock + ", money held=" + money);
        }
        if (status.equals("UNFINISHED")) {
            return List.of("saga " + id + " did not finish within " + PATIENCE.toSeconds() + " s");
        }
        return List.of();
    }

    /** Saga id -> when its stock and its money were taken and given back, from the participants' inboxes. */
    private Map<UUID, Effects> effects(List<UUID> ids) throws SQLException {
        Map<UUID, EffectWindow> stock = windows(Stack.PG_INVENTORY, "inventory", "reserve-stock", ids);
        Map<UUID, EffectWindow> money = windows(Stack.PG_PAYMENT, "payment", "charge-payment", ids);
        Map<UUID, Effects> out = new HashMap<>();
        for (UUID id : ids) {
            out.put(id, new Effects(stock.getOrDefault(id, EffectWindow.NEVER), money.getOrDefault(id, EffectWindow.NEVER)));
        }
        return out;
    }

    private Map<UUID, EffectWindow> windows(String server, String db, String step, List<UUID> ids) throws SQLException {
        Map<UUID, EffectWindow> out = new HashMap<>();
        try (Connection c = stack.postgres(server).connect(db); PreparedStatement ps = c.prepareStatement(
                "SELECT saga_id, max(at) FILTER (WHERE kind = 'ACTION'), max(at) FILTER (WHERE kind = 'COMPENSATION')"
                        + " FROM saga_inbox WHERE step = ? AND outcome = 'DONE' AND saga_id = ANY (?) GROUP BY saga_id")) {
            ps.setString(1, step);
            ps.setArray(2, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.sql.Timestamp taken = rs.getTimestamp(2);
                    java.sql.Timestamp undone = rs.getTimestamp(3);
                    out.put(rs.getObject(1, UUID.class), new EffectWindow(taken == null ? null : taken.toInstant(),
                            taken == null || undone == null ? null : undone.toInstant()));
                }
            }
        }
        return out;
    }

    /** Forward steps run (applied or refused), compensations that undid something, compensations skipped. */
    private int[] inboxCounts(List<UUID> ids) throws SQLException {
        int[] counts = new int[3];
        for (String[] p : List.of(new String[] {Stack.PG_INVENTORY, "inventory"}, new String[] {Stack.PG_PAYMENT, "payment"})) {
            try (Connection c = stack.postgres(p[0]).connect(p[1]); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FILTER (WHERE kind = 'ACTION' AND outcome IN ('DONE', 'REFUSED')),"
                            + " count(*) FILTER (WHERE kind = 'COMPENSATION' AND outcome = 'DONE'),"
                            + " count(*) FILTER (WHERE kind = 'COMPENSATION' AND outcome = 'SKIPPED')"
                            + " FROM saga_inbox WHERE saga_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    for (int i = 0; i < 3; i++) {
                        counts[i] += rs.getInt(i + 1);
                    }
                }
            }
        }
        return counts;
    }

    private String url(String service) {
        return stack.service(service).baseUrl();
    }
}
