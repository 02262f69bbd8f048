package dev.pledge.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "saga", mixinStandardHelpOptions = true, description = "Saga tools.",
        subcommands = SagaGroupCommand.Compare.class)
final class SagaGroupCommand {

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Run the same orders through every saga flow (sequential, parallel, forward-recovery,",
                    "choreography) and through 2PC and 3PC for reference, then compare outcomes, steps, compensations,",
                    "Kafka messages, latency, how long each order's stock and money disagreed, and the invariants."},
            footer = {"", "Failures: none; payment-declined (each order charges more than its account holds);",
                    "out-of-stock (SOLD-OUT); payment-timeout (payment drops saga charges; for 2PC/3PC it is stopped",
                    "for 3 s while the coordinator waits 2 s for votes).",
                    "Exit codes: 0 the invariants hold in every row, 1 they do not or an error, 2 bad usage."})
    static final class Compare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--failure", defaultValue = "none", paramLabel = "FAILURE",
                description = "none, payment-declined, out-of-stock or payment-timeout (default ${DEFAULT-VALUE}).")
        String failure;

        @Option(names = "--orders", defaultValue = "10", paramLabel = "N",
                description = "Orders per flow, 1-100, submitted together (default ${DEFAULT-VALUE}).")
        int orders;

        @Option(names = "--warm-up", defaultValue = "" + FlowComparison.WARM_UP, paramLabel = "N",
                description = "Successful orders run through every flow before any is measured, not counted, 0-100"
                        + " (default ${DEFAULT-VALUE}); without them the first flow pays for the services' warm-up.")
        int warmUp;

        @Option(names = "--json", description = "Print the rows as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (warmUp < 0 || warmUp > 100) {
                throw new ParameterException(spec.commandLine(), "--warm-up must be between 0 and 100, not " + warmUp);
            }
            if (!FlowComparison.FAILURES.contains(failure)) {
                throw new ParameterException(spec.commandLine(), "--failure must be one of "
                        + String.join(", ", FlowComparison.FAILURES) + ", not '" + failure + "'");
            }
            if (orders < 1 || orders > 100) {
                throw new ParameterException(spec.commandLine(), "--orders must be between 1 and 100, not " + orders);
            }
            Stack stack = StackOptions.stack();
            FlowComparison comparison = new FlowComparison(stack, failure, orders, warmUp, System.err);
            FlowComparison.Plan plan;
            try {
                plan = comparison.plan();
            } catch (IllegalStateException e) {
                System.err.println("error: " + e.getMessage());
                return Pledge.ERROR;
            }
            System.err.printf("Comparing flows on %d orders of %d x %s, %s each from acc-load-001..%03d, failure: %s%n",
                    orders, plan.qty(), plan.sku(), plan.amount().toPlainString(), orders, failure);
            List<FlowRow> rows = comparison.run(plan);
            if (json) {
                System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(plan, rows)));
            } else {
                print(rows);
            }
            return rows.stream().allMatch(FlowRow::invariantsHold) ? 0 : Pledge.ERROR;
        }

        private ObjectNode toJson(FlowComparison.Plan plan, List<FlowRow> rows) {
            ObjectNode out = Api.JSON.createObjectNode().put("failure", failure).put("orders", orders);
            out.putObject("order").put("sku", plan.sku()).put("qty", plan.qty()).put("amount", plan.amount().toPlainString());
            ArrayNode array = out.putArray("rows");
            rows.forEach(r -> array.add(Api.JSON.valueToTree(r)));
            return out;
        }

        static void print(List<FlowRow> rows) {
            String header = "%-17s %-26s %6s %14s %6s %8s %8s %13s  %s%n";
            System.out.printf(header, "FLOW", "OUTCOME", "STEPS", "COMPENSATIONS", "KAFKA", "P50 ms", "P99 ms",
                    "INCONSIST. ms", "INVARIANTS");
            for (FlowRow r : rows) {
                String flow = r.flow().endsWith("pc") ? r.flow() + " (reference)" : r.flow();
                System.out.printf(header, flow, r.outcomeText(), r.steps(),
                        r.compensations() + (r.compensationsSkipped() > 0 ? " (+" + r.compensationsSkipped() + " no-op)" : ""),
                        r.kafkaMessages() == null ? "-" : r.kafkaMessages().toString(), r.latencyP50Ms(), r.latencyP99Ms(),
                        r.inconsistentP50Ms() + "/" + r.inconsistentMaxMs(), r.invariantsHold() ? "hold" : "BROKEN");
                r.problems().forEach(p -> System.out.println("    ! " + p));
            }
            System.out.println();
            System.out.println("STEPS: forward actions run (2PC/3PC: votes); KAFKA: messages sent and received;"
                    + " INCONSIST.: p50/max per order of the time");
            System.out.println("its stock and money disagreed (stock taken and not paid, or paid and not taken).");
        }
    }
}
