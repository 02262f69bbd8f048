package dev.pledge.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment unattended and report what happened.",
        subcommands = ExperimentCommand.Blocking.class)
final class ExperimentCommand {

    @Command(name = "blocking", mixinStandardHelpOptions = true,
            description = {"Crash the coordinator mid-transaction and watch what the participants do.",
                    "Arms the coordinator's after-votes crash point, submits an order, shows the participants holding",
                    "prepared transactions and their locks, measures how long a second order on the same product waits,",
                    "restarts the coordinator, measures the time to resolution and checks the invariants.",
                    "Exits 0 when the invariants hold."})
    static final class Blocking implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--protocol", required = true, description = "2pc or 3pc.")
        String protocol;

        @Option(names = "--hold-seconds", defaultValue = "8",
                description = "How long the coordinator stays down before it is restarted (default ${DEFAULT-VALUE}).")
        int holdSeconds;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            OrderCommand.checkProtocol(spec, protocol);
            if (holdSeconds < 1 || holdSeconds > 120) {
                throw new ParameterException(spec.commandLine(), "--hold-seconds must be between 1 and 120");
            }
            Stack stack = StackOptions.stack();
            if (!json) {
                UpCommand.up(stack);
                System.out.println();
                System.out.println("Blocking experiment: " + protocol.toUpperCase(Locale.ROOT) + ", coordinator crashes at "
                        + BlockingExperiment.CRASH_POINT);
            } else {
                stack.up(line -> { });
            }
            // with --json the report alone goes to stdout; the running commentary goes to stderr
            BlockingExperiment.Report r = new BlockingExperiment(stack, Duration.ofSeconds(holdSeconds),
                    json ? System.err::println : System.out::println).run(protocol);
            if (json) {
                System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
            } else {
                print(r);
            }
            return r.invariantsHold() ? 0 : Pledge.ERROR;
        }

        private static void print(BlockingExperiment.Report r) {
            System.out.println();
            System.out.printf("  %-14s %s%n", "protocol", r.protocol());
            System.out.printf("  %-14s %s%n", "crash point", r.crashPoint());
            System.out.printf("  %-14s %s%n", "transaction", r.transactionId());
            System.out.printf("  %-14s %s%n", "blocked", r.blocked()
                    ? "yes: the second order waited " + r.blockedMs() + " ms on the prepared row lock"
                    : "no (" + r.blockedMs() + " ms)");
            System.out.printf("  %-14s %d ms after the crash, by %s%s%n", "resolved", r.resolvedMs(), r.resolvedBy(),
                    r.resolvedBeforeRestart() ? ", before the coordinator came back" : ", once the coordinator was restarted");
            System.out.printf("  %-14s %s%n", "outcome", r.outcome());
            System.out.printf("  %-14s %s%n", "invariants", r.invariantsHold() ? "hold" : "VIOLATED");
            r.invariants().forEach(i -> System.out.println("                 " + i));
        }
    }
}
