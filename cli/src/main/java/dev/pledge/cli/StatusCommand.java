package dev.pledge.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.stack.ComponentStatus;
import dev.pledge.stack.Stack;
import dev.pledge.stack.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show each component of the local stack with its port, PID and health; for each participant the",
                "coordinator's suspicion of it (phi-accrual failure detector) and its circuit breaker, and for the",
                "coordinator the suspicion of participants that wait on it in three-phase commit.",
                "Exits 1 unless all are healthy."})
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Stack stack = StackOptions.stack();
        List<ComponentStatus> all = stack.status();
        Map<String, JsonNode> liveness = liveness(stack, all);
        Map<String, JsonNode> coordinatorSeenBy = coordinatorSeenBy(stack, all);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            Topology topology = stack.config().topology();
            Map<String, Object> replicas = new LinkedHashMap<>();
            replicas.put("coordinators", topology.coordinators());
            replicas.put("orchestrators", topology.orchestrators());
            // a topology other than one of each is kept from the up that chose it until an up changes it
            replicas.put("remembered", !topology.equals(Topology.SINGLE));
            out.put("topology", replicas);
            out.put("components", all);
            out.put("participants", liveness.values());
            out.put("coordinatorSeenBy", coordinatorSeenBy);
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            System.out.println("Topology: " + stack.config().topology().describe(stack.config().stateDir()));
            System.out.printf("%-21s %-8s %6s %8s  %-8s %-6s %s%n", "COMPONENT", "KIND", "PORT", "PID", "STATE", "HEALTH",
                    "SUSPICION (phi-accrual)");
            for (ComponentStatus s : all) {
                JsonNode l = liveness.get(s.name());
                String seen = l != null ? describe(l)
                        : s.name().equals(Stack.COORDINATOR) ? seenByParticipants(coordinatorSeenBy) : "";
                System.out.printf("%-21s %-8s %6d %8s  %-8s %-6s %s%n", s.name(), s.kind(), s.port(),
                        s.pid() == null ? "-" : s.pid(), s.state(),
                        s.state() == ComponentStatus.State.RUNNING ? (s.healthy() ? "UP" : "DOWN") : "-", seen);
            }
        }
        return all.stream().allMatch(ComponentStatus::healthy) ? 0 : Pledge.ERROR;
    }

    /** "inventory: phi 0.2" for each participant with pending 3PC branches, which watches the coordinator. */
    private static String seenByParticipants(Map<String, JsonNode> seenBy) {
        StringBuilder sb = new StringBuilder();
        seenBy.forEach((participant, byUrl) -> byUrl.fields().forEachRemaining(e -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(participant).append(": ").append(phi(e.getValue().asDouble()))));
        return sb.toString();
    }

    private static String phi(double value) {
        return value > 1000 ? "phi > 1000" : String.format("phi %.1f", value);
    }

    private static Map<String, JsonNode> coordinatorSeenBy(Stack stack, List<ComponentStatus> all) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String participant : List.of(Stack.INVENTORY, Stack.PAYMENT)) {
            if (all.stream().anyMatch(s -> s.name().equals(participant) && s.healthy())) {
                try {
                    JsonNode view = Api.get(stack.service(participant).baseUrl() + "/admin/coordinators");
                    if (!view.isEmpty()) {
                        out.put(participant, view);
                    }
                } catch (RuntimeException e) {
                    // the table still shows processes and health
                }
            }
        }
        return out;
    }

    private static String describe(JsonNode l) {
        String phi = l.hasNonNull("phi") ? "coordinator: " + phi(l.path("phi").asDouble()) : "coordinator: no heartbeat yet";
        return phi + (l.path("suspected").asBoolean() ? " SUSPECTED" : "") + ", circuit " + l.path("circuit").asText();
    }

    /** The coordinator's view of each participant, when the coordinator is up. */
    private static Map<String, JsonNode> liveness(Stack stack, List<ComponentStatus> all) {
        Map<String, JsonNode> out = new HashMap<>();
        boolean coordinatorUp = all.stream().anyMatch(s -> s.name().equals(Stack.COORDINATOR) && s.healthy());
        if (coordinatorUp) {
            try {
                Api.get(stack.service(Stack.COORDINATOR).baseUrl() + "/participants")
                        .forEach(p -> out.put(p.path("name").asText(), p));
            } catch (RuntimeException e) {
                // the table still shows processes and health
            }
        }
        return out;
    }
}
