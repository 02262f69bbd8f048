package dev.pledge.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Tell Pledge's three stories on the local stack, each a chapter that says what to expect,",
                "shows what happened and checks it, and names the commands that show more:",
                "  order     an order that commits and one that must abort (two-phase commit);",
                "  blocking  the coordinator halted after the votes: under 2PC the participants keep the rows locked",
                "            until it is back; under 3PC they end the order by themselves while it is down;",
                "  saga      a saga whose payment is declined, compensated over Kafka, then every saga flow",
                "            compared with 2PC and 3PC on the same failure.",
                "Brings the stack up first. Can be run again and again on the same stack, also on replicas.",
                "Ctrl-C disarms any crash point the demo armed and restarts what it halted.",
                "The stack stays up: stop it with ./pledge down."},
        footer = {"", "Exit codes: 0 every chapter behaved as expected, 1 one did not (or an error), 2 bad usage."})
final class DemoCommand implements Callable<Integer> {
    private static final List<DemoChapter> CHAPTERS = List.of(new OrderChapter(), new BlockingChapter(), new SagaChapter());

    @Spec
    CommandSpec spec;

    @Option(names = "--chapter", paramLabel = "CHAPTER",
            description = "Run one chapter only: order, blocking or saga (default: all three, in that order).")
    String chapter;

    @Override
    public Integer call() {
        List<DemoChapter> chosen = chosen();
        Stack stack = StackOptions.stack();
        System.out.println("Pledge demo: " + (chosen.size() == 1 ? "chapter '" + chosen.get(0).name() + "'"
                : "three stories of distributed transactions across coordinator, inventory and payment") + ".");
        System.out.println();
        UpCommand.up(stack);
        Undo undo = Undo.onInterrupt(System.out);
        DemoStory story = new DemoStory(System.out, stack.service(Stack.DASHBOARD).baseUrl());
        long t0 = System.nanoTime();
        StringBuilder summary = new StringBuilder();
        try {
            for (DemoChapter c : chosen) {
                int number = CHAPTERS.indexOf(c) + 1;
                story.heading(number, CHAPTERS.size(), c.title());
                int before = story.failureCount();
                long start = System.nanoTime();
                try {
                    c.run(stack, story, undo);
                } catch (Exception e) {
                    if (undo.interrupted()) {
                        return Pledge.ERROR;
                    }
                    story.stopped("chapter " + c.name(), e);
                    undo.putBack("The chapter stopped");
                }
                summary.append(String.format("  %d. %-9s %-20s %5.1f s%n", number, c.name(),
                        story.failureCount() == before ? "as expected" : "NOT as expected",
                        (System.nanoTime() - start) / 1e9));
            }
        } finally {
            undo.settle();
        }
        System.out.println();
        System.out.printf("== Summary (%.1f s once the stack was up) ", (System.nanoTime() - t0) / 1e9);
        System.out.println("=".repeat(60));
        System.out.print(summary);
        if (story.failureCount() > 0) {
            System.out.println("Something did not behave as expected:");
            story.failures().forEach(f -> System.out.println("  - " + f));
            System.out.println("Look at ./pledge logs coordinator (or inventory, payment, saga-orchestrator) for the details.");
            return Pledge.ERROR;
        }
        System.out.println("Everything behaved as expected. The stack keeps running: ./pledge status, ./pledge down.");
        return 0;
    }

    private List<DemoChapter> chosen() {
        if (chapter == null) {
            return CHAPTERS;
        }
        String wanted = chapter.toLowerCase(Locale.ROOT);
        return CHAPTERS.stream().filter(c -> c.name().equals(wanted)).findFirst().map(List::of)
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "--chapter must be order, blocking or saga,"
                        + " not '" + chapter + "'"));
    }
}
