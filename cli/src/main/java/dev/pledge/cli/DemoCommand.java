package dev.pledge.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the main job end to end: one order that commits and one that must abort.",
                "Brings the stack up, submits an order that commits and one for more than the stock on hand,",
                "and reads stock and balance back from the participants.",
                "Exits 0 when everything behaved as expected. The stack stays up: stop it with ./pledge down."})
final class DemoCommand implements Callable<Integer> {
    private static final BigDecimal PRICE = new BigDecimal("12.50");
    private static final int MAX_ORDER_QTY = 10_000;

    private final List<String> failures = new ArrayList<>();

    @Override
    public Integer call() {
        Stack stack = StackOptions.stack();
        System.out.println("Pledge demo: two orders across coordinator, inventory and payment, with two-phase commit.");
        System.out.println();
        System.out.println("[1/4] Bringing the stack up");
        UpCommand.up(stack);

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
        System.out.println();
        System.out.printf("[2/4] Before: %s stock %d, %s balance %s%n", sku, stock0, acc, balance0.toPlainString());

        System.out.println();
        System.out.printf("[3/4] Order A: 1 x %s, charging %s to %s. Expected: COMMITTED%n", sku, PRICE, acc);
        JsonNode a = OrderCommand.submit(stack, "2pc", sku, 1, acc, PRICE, null);
        Timeline.printOutcome(a, System.out);
        Timeline.printTimeline(a, System.out);
        expect("order A outcome", "COMMITTED", a.path("outcome").asText());

        int onHand = Api.get(inventory + "/products/" + sku).path("stock").asInt();
        System.out.println();
        System.out.printf("      Order B: %d x %s (more than the %d in stock), charging %s to %s. Expected: ABORTED%n",
                onHand + 1, sku, onHand, PRICE, acc);
        JsonNode b = OrderCommand.submit(stack, "2pc", sku, onHand + 1, acc, PRICE, null);
        Timeline.printOutcome(b, System.out);
        Timeline.printBranches(b, System.out);
        expect("order B outcome", "ABORTED", b.path("outcome").asText());

        int stock1 = Api.get(inventory + "/products/" + sku).path("stock").asInt();
        BigDecimal balance1 = new BigDecimal(Api.get(payment + "/accounts/" + acc).path("balance").asText());
        System.out.println();
        System.out.println("[4/4] After, read back from the participants:");
        compare(sku + " stock", Integer.toString(stock0), Integer.toString(stock1), Integer.toString(stock0 - 1));
        compare(acc + " balance", balance0.toPlainString(), balance1.toPlainString(), balance0.subtract(PRICE).toPlainString());

        System.out.println();
        if (!failures.isEmpty()) {
            System.out.println("Something did not behave as expected:");
            failures.forEach(f -> System.out.println("  - " + f));
            System.out.println("Look at ./pledge logs coordinator (or inventory, payment) for the details.");
            return Pledge.ERROR;
        }
        int pgInventory = stack.postgres(Stack.PG_INVENTORY).port();
        int pgPayment = stack.postgres(Stack.PG_PAYMENT).port();
        System.out.println("Everything behaved as expected. See it in the databases yourself:");
        System.out.printf("  psql -h 127.0.0.1 -p %d -U pledge inventory -c 'SELECT * FROM products'%n", pgInventory);
        System.out.printf("  psql -h 127.0.0.1 -p %d -U pledge payment -c 'SELECT * FROM accounts'%n", pgPayment);
        System.out.printf("  curl -s %s/transactions/%s%n", stack.service(Stack.COORDINATOR).baseUrl(), a.path("id").asText());
        System.out.println("The stack keeps running: ./pledge status, ./pledge down.");
        return 0;
    }

    /** The element with the largest numeric field, so repeated demos keep finding stock and money. */
    private static JsonNode richest(JsonNode items, String field, java.util.function.Predicate<JsonNode> eligible) {
        return StreamSupport.stream(items.spliterator(), false).filter(eligible)
                .max(Comparator.comparing(n -> new BigDecimal(n.path(field).asText("0"))))
                .orElseThrow(() -> new IllegalStateException("the participant returned no " + field + " data"));
    }

    private void expect(String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    private void compare(String what, String before, String after, String expected) {
        boolean ok = new BigDecimal(after).compareTo(new BigDecimal(expected)) == 0;
        System.out.printf("  %-22s %10s -> %-10s expected %-10s %s%n", what, before, after, expected, ok ? "ok" : "WRONG");
        if (!ok) {
            failures.add(what + ": expected " + expected + ", got " + after);
        }
    }
}
