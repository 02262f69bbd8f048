package dev.pledge.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pledge.stack.Stack;

/** The stock of the compared product and the balances of the accounts charged, read from the participants. */
record Balances(int stock, Map<String, BigDecimal> balances) {

    static Balances read(Stack stack, FlowComparison.Plan plan) {
        String inventory = stack.service(Stack.INVENTORY).baseUrl();
        String payment = stack.service(Stack.PAYMENT).baseUrl();
        Map<String, BigDecimal> balances = new LinkedHashMap<>();
        for (String account : plan.accounts()) {
            balances.put(account, new BigDecimal(Api.get(payment + "/accounts/" + account).path("balance").asText()));
        }
        return new Balances(Api.get(inventory + "/products/" + plan.sku()).path("stock").asInt(), balances);
    }

    /**
     * Conservation: the stock went down by qty for each completed order and by nothing else, and each
     * account by the amount of its order if completed. {@code completed.get(i)} is the outcome of the order
     * charged to the i-th account.
     */
    List<String> check(Balances before, FlowComparison.Plan plan, List<Boolean> completed) {
        List<String> problems = new ArrayList<>();
        long done = completed.stream().filter(Boolean::booleanValue).count();
        int expectedStock = before.stock() - (int) (plan.qty() * done);
        if (stock != expectedStock) {
            problems.add(plan.sku() + " stock is " + stock + ", expected " + expectedStock);
        }
        for (int i = 0; i < plan.accounts().size() && i < completed.size(); i++) {
            String account = plan.accounts().get(i);
            BigDecimal expected = before.balances().get(account).subtract(completed.get(i) ? plan.amount() : BigDecimal.ZERO);
            if (balances.get(account).compareTo(expected) != 0) {
                problems.add(account + " balance is " + balances.get(account) + ", expected " + expected);
            }
        }
        return problems;
    }
}
