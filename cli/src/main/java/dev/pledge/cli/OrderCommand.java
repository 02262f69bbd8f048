package dev.pledge.cli;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "order", mixinStandardHelpOptions = true,
        description = {"Submit an order: reserve stock in inventory and charge an account in payment, atomically.",
                "Every option but --protocol defaults to seeded values, so '--protocol 2pc' alone commits an order."},
        footer = {"", "Exit codes: 0 committed, 3 aborted, 4 in doubt, 2 rejected as invalid, 1 error."})
final class OrderCommand implements Callable<Integer> {
    static final int ABORTED = 3;
    static final int IN_DOUBT = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", required = true, paramLabel = "PROTOCOL", description = "Atomic commit protocol: 2pc or 3pc.")
    String protocol;

    @Option(names = "--sku", defaultValue = "BOOK-001", description = "Product to take from stock (default ${DEFAULT-VALUE}).")
    String sku;

    @Option(names = "--qty", defaultValue = "1", description = "Units to take (default ${DEFAULT-VALUE}).")
    int qty;

    @Option(names = "--account", defaultValue = "acc-alice", description = "Account to charge (default ${DEFAULT-VALUE}).")
    String account;

    @Option(names = "--amount", defaultValue = "25.00", description = "Amount to charge, e.g. 25.00 (default ${DEFAULT-VALUE}).")
    BigDecimal amount;

    @Option(names = "--timeout-ms", description = "How long the coordinator waits for votes (default: its own setting).")
    Long timeoutMs;

    @Option(names = "--json", description = "Print the coordinator's answer as JSON (id, protocol, outcome, timeline...).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        checkProtocol(spec, protocol);
        Stack stack = StackOptions.stack();
        JsonNode tx;
        try {
            tx = submit(stack, protocol, sku, qty, account, amount, timeoutMs);
        } catch (Api.ApiException e) {
            System.err.println("error: the coordinator rejected the order: " + e.getMessage());
            return e.status() < 500 ? Pledge.USAGE : Pledge.ERROR;
        }
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tx));
        } else {
            Timeline.printOutcome(tx, System.out);
            Timeline.printBranches(tx, System.out);
        }
        return exitCode(tx);
    }

    static void checkProtocol(CommandSpec spec, String protocol) {
        if (!List.of("2pc", "3pc").contains(protocol.toLowerCase(Locale.ROOT))) {
            throw new ParameterException(spec.commandLine(), "--protocol must be 2pc or 3pc, not '" + protocol + "'");
        }
    }

    static JsonNode submit(Stack stack, String protocol, String sku, int qty, String account, BigDecimal amount,
                           Long timeoutMs) {
        ObjectNode body = Api.JSON.createObjectNode().put("sku", sku).put("qty", qty).put("account", account)
                .put("amount", amount.toPlainString()).put("protocol", protocol.toUpperCase(java.util.Locale.ROOT));
        if (timeoutMs != null) {
            body.put("timeoutMs", timeoutMs);
        }
        return Api.post(stack.service(Stack.COORDINATOR).baseUrl() + "/orders", body);
    }

    static int exitCode(JsonNode tx) {
        return switch (tx.path("outcome").asText()) {
            case "COMMITTED" -> 0;
            case "ABORTED" -> ABORTED;
            default -> IN_DOUBT;
        };
    }
}
