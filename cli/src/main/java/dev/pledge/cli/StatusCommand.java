package dev.pledge.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.pledge.stack.ComponentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each component of the local stack with its port, PID and health. Exits 1 unless all are healthy.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<ComponentStatus> all = StackOptions.stack().status();
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(java.util.Map.of("components", all)));
        } else {
            System.out.printf("%-21s %-8s %6s %8s  %-8s %s%n", "COMPONENT", "KIND", "PORT", "PID", "STATE", "HEALTH");
            for (ComponentStatus s : all) {
                System.out.printf("%-21s %-8s %6d %8s  %-8s %s%n", s.name(), s.kind(), s.port(),
                        s.pid() == null ? "-" : s.pid(), s.state(),
                        s.state() == ComponentStatus.State.RUNNING ? (s.healthy() ? "UP" : "DOWN") : "-");
            }
        }
        return all.stream().allMatch(ComponentStatus::healthy) ? 0 : Pledge.ERROR;
    }
}
