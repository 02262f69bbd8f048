package dev.pledge.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.pledge.chaos.contention.WaitForGraph;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what is stuck, read from the databases directly (services may be down):",
                "per participant the prepared transactions with their age and the locks they hold,",
                "the coordinator's unfinished transactions, and those its participants ended differently",
                "(MIXED: 3PC's termination protocol across a partition), which an operator must reconcile.",
                "From the participants' APIs: the prepares waiting for a row lock and what holds each row,",
                "joined across participants into the wait-for graph, with any cycle in it (a distributed deadlock)."})
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Stack stack = StackOptions.stack();
        List<Inspector.PreparedBranch> prepared = Inspector.prepared(stack);
        List<Inspector.Unfinished> unfinished = Inspector.unfinished(stack);
        List<Inspector.Mixed> mixed = Inspector.mixed(stack);
        List<String> unreachable = new ArrayList<>();
        List<WaitForGraph.Edge> waits = WaitForGraph.edges(WaitForGraph.read(participantUrls(stack), unreachable));
        List<List<String>> cycles = WaitForGraph.cycles(waits);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("prepared", prepared);
            out.put("unfinished", unfinished);
            out.put("mixed", mixed);
            out.put("waits", waits);
            out.put("cycles", cycles);
            out.put("waitsNotRead", unreachable);
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
        printWaits(waits, cycles, unreachable);
        if (!mixed.isEmpty()) {
            System.out.println("Ended MIXED: the participants went different ways; reconcile these by hand:");
            for (Inspector.Mixed m : mixed) {
                System.out.printf("  %s  %-4s decided %-6s but %s%n", m.id(), m.protocol(), m.decision(), m.branches());
            }
        }
        return 0;
    }

    static Map<String, String> participantUrls(Stack stack) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (Inspector.Participant p : Inspector.PARTICIPANTS) {
            urls.put(p.name(), stack.service(p.name().equals("inventory") ? Stack.INVENTORY : Stack.PAYMENT).baseUrl());
        }
        return urls;
    }

    private static void printWaits(List<WaitForGraph.Edge> waits, List<List<String>> cycles, List<String> unreachable) {
        System.out.println("Prepares waiting for a row lock (the wait-for graph across participants):");
        if (waits.isEmpty()) {
            System.out.println("  none");
        }
        for (WaitForGraph.Edge e : waits) {
            System.out.printf("  %-10s %s waits %5.1f s for %s, held by %s (%s %.1f s)%n", e.participant(), e.waiter(),
                    e.waitingMs() / 1000.0, e.row() == null ? "a lock" : e.row(), e.holder(),
                    e.holderKind().toLowerCase(java.util.Locale.ROOT), e.heldMs() / 1000.0);
        }
        for (List<String> cycle : cycles) {
            System.out.println("  CYCLE: " + String.join(" -> ", cycle) + " -> " + cycle.get(0));
            System.out.println("         a distributed deadlock: each waits for the other in a different database, which"
                    + " neither database can see; under the wait lock policy it lasts until a prepare's time runs out");
        }
        unreachable.forEach(u -> System.out.println("  (waits not read from " + u + ")"));
    }
}
