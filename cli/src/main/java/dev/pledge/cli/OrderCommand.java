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
        description = {"Submit an order: reserve stock in inventory and charge an account in payment.",
                "2pc and 3pc do both atomically; saga runs them as steps over Kafka, compensated if one fails.",
                "Every option but --protocol defaults to seeded values, so '--protocol 2pc' alone commits an order."},
        footer = {"", "Exit codes: 0 committed or completed, 3 aborted or compensated, 4 in doubt or (saga) not",
                "finished within --wait, 2 rejected as invalid, 1 error."})
final class OrderCommand implements Callable<Integer> {
    static final int ABORTED = 3;
    static final int IN_DOUBT = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", required = true, paramLabel = "PROTOCOL", description = "2pc, 3pc or saga.")
    String protocol;

    @Option(names = "--flow", paramLabel = "FLOW",
            description = "Saga only: sequential (default), parallel or forward-recovery.")
    String flow;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
            description = "Saga only: how long to follow the saga before giving up (default ${DEFAULT-VALUE}).")
    int waitSeconds;

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

    @Option(names = "--json", description = "Print the answer as JSON (the transaction or the saga, with its timeline).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ("saga".equalsIgnoreCase(protocol)) {
            return saga();
        }
        checkProtocol(spec, protocol, "2pc, 3pc or saga");
        if (flow != null) {
            throw new ParameterException(spec.commandLine(), "--flow applies to --protocol saga only");
        }
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
            Timeline.printTrace(tx, System.out);
        }
        return exitCode(tx);
    }

    private int saga() throws InterruptedException, java.io.IOException {
        if (timeoutMs != null) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms applies to 2pc and 3pc; a saga's steps have their own");
        }
        if (waitSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--wait must be at least 1 second");
        }
        String url = StackOptions.stack().service(Stack.SAGA_ORCHESTRATOR).baseUrl();
        ObjectNode body = Api.JSON.createObjectNode().put("sku", sku).put("qty", qty).put("account", account)
                .put("amount", amount.toPlainString());
        if (flow != null) {
            body.put("flow", flow);
        }
        JsonNode started;
        try {
            started = Api.post(url + "/sagas/orders", body);
        } catch (Api.ApiException e) {
            System.err.println("error: the saga orchestrator rejected the order: " + e.getMessage());
            return e.status() < 500 ? Pledge.USAGE : Pledge.ERROR;
        }
        java.util.UUID id = java.util.UUID.fromString(started.path("id").asText());
        if (!json) {
            System.out.println("saga " + id + " (" + started.path("flow").asText() + ")"
                    + (started.hasNonNull("traceId") ? "  trace " + started.path("traceId").asText() : ""));
        }
        JsonNode saga = new SagaFollower(url, System.out).follow(id, java.time.Duration.ofSeconds(waitSeconds), !json);
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(saga));
        } else {
            String status = saga.path("status").asText();
            System.out.println(SagaFollower.isFinal(saga)
                    ? status + (saga.hasNonNull("reason") ? ": " + saga.path("reason").asText() : "")
                            + " in " + saga.path("durationMs").asLong() + " ms"
                    : "still " + status + " after " + waitSeconds + " s; follow it with GET " + url + "/sagas/" + id);
        }
        return switch (saga.path("status").asText()) {
            case "COMPLETED" -> 0;
            case "COMPENSATED" -> ABORTED;
            default -> IN_DOUBT;
        };
    }

    static void checkProtocol(CommandSpec spec, String protocol) {
        checkProtocol(spec, protocol, "2pc or 3pc");
    }

    private static void checkProtocol(CommandSpec spec, String protocol, String allowed) {
        if (!List.of("2pc", "3pc").contains(protocol.toLowerCase(Locale.ROOT))) {
            throw new ParameterException(spec.commandLine(), "--protocol must be " + allowed + ", not '" + protocol + "'");
        }
    }

    static JsonNode submit(Stack stack, String protocol, String sku, int qty, String account, BigDecimal amount,
                           Long timeoutMs) {
        return submit(stack.service(Stack.COORDINATOR).baseUrl(), protocol, sku, qty, account, amount, timeoutMs);
    }

    /** Submits an order to one coordinator (a replica, or the stack's coordinator address). */
    static JsonNode submit(String coordinatorUrl, String protocol, String sku, int qty, String account, BigDecimal amount,
                           Long timeoutMs) {
        ObjectNode body = Api.JSON.createObjectNode().put("sku", sku).put("qty", qty).put("account", account)
                .put("amount", amount.toPlainString()).put("protocol", protocol.toUpperCase(java.util.Locale.ROOT));
        if (timeoutMs != null) {
            body.put("timeoutMs", timeoutMs);
        }
        return Api.post(coordinatorUrl + "/orders", body);
    }

    static int exitCode(JsonNode tx) {
        return switch (tx.path("outcome").asText()) {
            case "COMMITTED" -> 0;
            case "ABORTED" -> ABORTED;
            default -> IN_DOUBT;
        };
    }
}
