package dev.pledge.cli;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;

/** Chapter 1: an order that commits and one that must abort, with the rows read back from the participants. */
final class OrderChapter implements DemoChapter {
    static final BigDecimal PRICE = new BigDecimal("12.50");
    static final int MAX_ORDER_QTY = 10_000;

    @Override
    public String name() {
        return "order";
    }

    @Override
    public String title() {
        return "an order that commits and one that must abort (two-phase commit)";
    }

    @Override
    public void run(Stack stack, DemoStory story, Undo undo) {
        String inventory = stack.service(Stack.INVENTORY).baseUrl();
        String payment = stack.service(Stack.PAYMENT).baseUrl();
        // order B asks for one more than the stock: that must still be a valid order (at most 10000 units),
        // so the deep-stock load products are left out
        JsonNode product = richest(Api.get(inventory + "/products"), "stock", p -> p.path("stock").asInt() < MAX_ORDER_QTY);
        JsonNode account = richest(Api.get(payment + "/accounts"), "balance", a -> true);
        String sku = product.path("sku").asText();
        String acc = account.path("id").asText();
        int stock0 = product.path("stock").asInt();
        BigDecimal balance0 = new BigDecimal(account.path("balance").asText());
        if (stock0 < 1 || balance0.compareTo(PRICE) < 0) {
            throw new IllegalStateException("the seed data is used up (" + sku + " stock " + stock0 + ", " + acc
                    + " balance " + balance0 + "): start afresh with ./pledge down --purge");
        }
        story.expect("Order A takes 1 x " + sku + " from inventory and charges " + PRICE + " to " + acc
                        + " in payment: both participants vote YES and it COMMITS.",
                "Order B asks for more " + sku + " than inventory holds: inventory votes NO, so payment's prepared",
                "charge is rolled back too and it ABORTS. Stock and balance move for A only.");
        story.printf("Before: %s stock %d, %s balance %s%n", sku, stock0, acc, balance0.toPlainString());

        story.section(String.format("Order A: 1 x %s, charging %s to %s", sku, PRICE, acc));
        JsonNode a = OrderCommand.submit(stack, "2pc", sku, 1, acc, PRICE, null);
        Timeline.printOutcome(a, System.out);
        Timeline.printTimeline(a, System.out);
        story.say("  " + story.link("transaction", a.path("id").asText()));
        story.check("COMMITTED".equals(a.path("outcome").asText()), "order A committed");

        int onHand = Api.get(inventory + "/products/" + sku).path("stock").asInt();
        story.section(String.format("Order B: %d x %s (more than the %d in stock), charging %s to %s", onHand + 1, sku,
                onHand, PRICE, acc));
        JsonNode b = OrderCommand.submit(stack, "2pc", sku, onHand + 1, acc, PRICE, null);
        Timeline.printOutcome(b, System.out);
        Timeline.printBranches(b, System.out);
        story.say("  " + story.link("transaction", b.path("id").asText()));
        story.check("ABORTED".equals(b.path("outcome").asText()), "order B aborted");

        int stock1 = Api.get(inventory + "/products/" + sku).path("stock").asInt();
        BigDecimal balance1 = new BigDecimal(Api.get(payment + "/accounts/" + acc).path("balance").asText());
        story.section("After, read back from the participants");
        story.check(stock1 == stock0 - 1, String.format("%s stock %d -> %d (order A's unit only)", sku, stock0, stock1));
        story.check(balance1.compareTo(balance0.subtract(PRICE)) == 0, String.format("%s balance %s -> %s (order A's %s only)",
                acc, balance0.toPlainString(), balance1.toPlainString(), PRICE));
        story.more(String.format("psql -h 127.0.0.1 -p %d -U pledge inventory -c 'SELECT * FROM products'",
                        stack.postgres(Stack.PG_INVENTORY).port()),
                String.format("psql -h 127.0.0.1 -p %d -U pledge payment -c 'SELECT * FROM accounts'",
                        stack.postgres(Stack.PG_PAYMENT).port()),
                "./pledge order --protocol 3pc        (the same order under three-phase commit)");
    }

    /** The element with the largest numeric field, so repeated demos keep finding stock and money. */
    static JsonNode richest(JsonNode items, String field, Predicate<JsonNode> eligible) {
        return StreamSupport.stream(items.spliterator(), false).filter(eligible)
                .max(Comparator.comparing(n -> new BigDecimal(n.path(field).asText("0"))))
                .orElseThrow(() -> new IllegalStateException("the participant returned no " + field + " data"));
    }
}
