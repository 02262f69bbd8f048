package dev.pledge.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what is stuck, read from the databases directly (services may be down):",
                "per participant the prepared transactions with their age and the locks they hold,",
                "the coordinator's unfinished transactions, and those its participants ended differently",
                "(MIXED: 3PC's termination protocol across a partition), which an operator must reconcile."})
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Stack stack = StackOptions.stack();
        List<Inspector.PreparedBranch> prepared = Inspector.prepared(stack);
        List<Inspector.Unfinished> unfinished = Inspector.unfinished(stack);
        List<Inspector.Mixed> mixed = Inspector.mixed(stack);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("prepared", prepared);
            out.put("unfinished", unfinished);
            out.put("mixed", mixed);
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }
        System.out.println("Prepared transactions on the participants (each holds its locks until decided):");
        if (prepared.isEmpty()) {
            System.out.println("  none");
        }
        for (Inspector.PreparedBranch p : prepared) {
            System.out.printf("  %-10s %-50s age %6.1f s  rows %-12s locks %s%n", p.participant(), p.gid(),
                    p.ageMs() / 1000.0, p.rows() == null ? "-" : p.rows(), p.locks());
        }
        System.out.println("Unfinished transactions in the coordinator's log:");
        if (unfinished.isEmpty()) {
            System.out.println("  none");
        }
        for (Inspector.Unfinished u : unfinished) {
            System.out.printf("  %s  %-4s %-11s age %6.1f s%n", u.id(), u.protocol(), u.state(), u.ageMs() / 1000.0);
        }
        if (!mixed.isEmpty()) {
            System.out.println("Ended MIXED: the participants went different ways; reconcile these by hand:");
            for (Inspector.Mixed m : mixed) {
                System.out.printf("  %s  %-4s decided %-6s but %s%n", m.id(), m.protocol(), m.decision(), m.branches());
            }
        }
        return 0;
    }
}
