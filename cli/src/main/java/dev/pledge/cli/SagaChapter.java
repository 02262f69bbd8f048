package dev.pledge.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;

/**
 * Chapter 3: a saga whose payment is declined and its compensation, record by record in Kafka; then the same
 * failure through every saga flow next to 2PC and 3PC.
 */
final class SagaChapter implements DemoChapter {
    /** The largest amount an order may carry (the saga API and payment refuse more). */
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
    /** How far over the balance the declined charge goes. */
    private static final BigDecimal OVERDRAW = new BigDecimal("100.00");
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Orders per flow in the comparison: enough for a median, few enough to keep the demo short. */
    private static final int COMPARED_ORDERS = 2;
    /**
     * No warm-up orders: they would commit stock and money that the demo's accounting does not expect, and the
     * chapters before this one have warmed the stack up.
     */
    private static final int WARM_UP = 0;

    @Override
    public String name() {
        return "saga";
    }

    @Override
    public String title() {
        return "a saga that compensates, and the compensation flows side by side";
    }

    @Override
    public void run(Stack stack, DemoStory story, Undo undo) throws Exception {
        String inventory = stack.service(Stack.INVENTORY).baseUrl();
        String payment = stack.service(Stack.PAYMENT).baseUrl();
        String orchestrator = stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl();
        JsonNode product = OrderChapter.richest(Api.get(inventory + "/products"), "stock",
                p -> p.path("stock").asInt() > 0 && p.path("stock").asInt() < OrderChapter.MAX_ORDER_QTY);
        // an amount over the balance, yet one the API takes (at most 1,000,000,000): accounts the bench filled
        // to near that limit cannot be overdrawn by a valid order
        JsonNode account = OrderChapter.richest(Api.get(payment + "/accounts"), "balance",
                a -> new BigDecimal(a.path("balance").asText("0")).add(OVERDRAW).compareTo(MAX_AMOUNT) <= 0);
        String sku = product.path("sku").asText();
        String acc = account.path("id").asText();
        int stock0 = product.path("stock").asInt();
        BigDecimal balance0 = new BigDecimal(account.path("balance").asText());
        BigDecimal amount = balance0.add(OVERDRAW);
        story.expect("A saga runs the order as local transactions, one per step, sent as commands over Kafka: reserve",
                "1 x " + sku + " in inventory, then charge " + amount.toPlainString() + " to " + acc + ", which holds only "
                        + balance0.toPlainString() + ". Payment declines,",
                "so the orchestrator compensates: it tells inventory to release the unit it reserved. Until then the",
                "stock is taken and not paid for; in the end both databases are as before. Each line shows where",
                "the message sat in Kafka (topic-partition@offset).");

        story.section("A sequential saga whose payment is declined");
        JsonNode body = Api.JSON.createObjectNode().put("sku", sku).put("qty", 1).put("account", acc)
                .put("amount", amount.toPlainString()).put("flow", "sequential");
        UUID id = UUID.fromString(Api.post(orchestrator + "/sagas/orders", body).path("id").asText());
        story.say("saga " + id + "  " + story.link("saga", id.toString()));
        JsonNode saga = new SagaFollower(orchestrator, System.out).follow(id, PATIENCE, true);
        String status = saga.path("status").asText();
        story.say("What happened:");
        story.say("  " + status + (saga.hasNonNull("reason") ? ": " + saga.path("reason").asText() : "")
                + (saga.hasNonNull("durationMs") ? " in " + saga.path("durationMs").asLong() + " ms" : ""));
        story.check("COMPENSATED".equals(status), "the saga compensated");
        story.check(has(saga, "COMPENSATION", "reserve-stock"), "the reservation was released by a compensation command");
        int stock1 = Api.get(inventory + "/products/" + sku).path("stock").asInt();
        BigDecimal balance1 = new BigDecimal(Api.get(payment + "/accounts/" + acc).path("balance").asText());
        story.check(stock1 == stock0, String.format("%s stock %d -> %d, as before", sku, stock0, stock1));
        story.check(balance1.compareTo(balance0) == 0, String.format("%s balance %s -> %s, as before", acc,
                balance0.toPlainString(), balance1.toPlainString()));

        compare(stack, story);
        story.more("./pledge saga compare --failure payment-timeout    (or none, out-of-stock; --orders N, --json)",
                "./pledge order --protocol saga --flow parallel --amount 99999.00",
                "docs/saga.md                                       (the flows, the outbox and the idempotent inbox)");
    }

    private static void compare(Stack stack, DemoStory story) throws Exception {
        story.section("The same failure through every flow, " + COMPARED_ORDERS + " orders each, next to 2PC and 3PC");
        story.say("sequential reserves, then charges; parallel does both at once; forward-recovery retries the charge");
        story.say("until its deadline before compensating; choreography has no orchestrator: each participant reacts to");
        story.say("the other's events. 2PC and 3PC lock both rows and decide once: nothing to compensate.");
        FlowComparison comparison = new FlowComparison(stack, "payment-declined", COMPARED_ORDERS, WARM_UP, System.out);
        List<FlowRow> rows = comparison.run(comparison.plan());
        System.out.println();
        SagaGroupCommand.Compare.print(rows);
        story.say("What happened:");
        for (FlowRow r : rows) {
            boolean atomic = r.flow().endsWith("pc");
            String expected = atomic ? "ABORTED" : "COMPENSATED";
            story.check(r.outcomes().getOrDefault(expected, 0) == r.orders() && r.invariantsHold(),
                    String.format("%-17s every order %s, invariants hold", r.flow(), expected.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private static boolean has(JsonNode saga, String kind, String step) {
        for (JsonNode e : saga.path("timeline")) {
            if (kind.equals(e.path("kind").asText()) && step.equals(e.path("step").asText())) {
                return true;
            }
        }
        return false;
    }
}
