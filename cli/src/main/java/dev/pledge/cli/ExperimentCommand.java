package dev.pledge.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import dev.pledge.stack.ComponentStatus;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;
import dev.pledge.stack.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment unattended and report what happened.",
        subcommands = {ExperimentCommand.Blocking.class, ContentionCommand.class})
final class ExperimentCommand {

    @Command(name = "blocking", mixinStandardHelpOptions = true,
            description = {"Crash the coordinator mid-transaction and watch what the participants do.",
                    "Arms the coordinator's after-votes crash point, submits an order, shows the participants holding",
                    "prepared transactions and their locks, measures how long a second order on the same product waits,",
                    "restarts the coordinator, measures the time to resolution and checks the invariants.",
                    "With --replicas 2 or more the coordinator runs as replicas sharing one log: the experiment runs",
                    "twice, first with the other replicas stopped (the crashed one is restarted after --hold-seconds),",
                    "then with them running (one takes the transaction over once the crashed replica's lease expires),",
                    "and reports both times from crash to resolution side by side.",
                    "Exits 0 when the invariants hold."})
    static final class Blocking implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--protocol", required = true, description = "2pc or 3pc.")
        String protocol;

        @Option(names = "--hold-seconds", defaultValue = "8",
                description = "How long the coordinator stays down before it is restarted (default ${DEFAULT-VALUE}).")
        int holdSeconds;

        @Option(names = "--replicas", defaultValue = "1", paramLabel = "N",
                description = "Coordinator replicas, 1-" + Topology.MAX_REPLICAS + " (default ${DEFAULT-VALUE}); above 1 the"
                        + " stack is started with as many (it must not be running with another number).")
        int replicas;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        /** What --json prints with --replicas above 1: the same crash without and with surviving replicas. */
        record Comparison(BlockingReport singleCoordinator, BlockingReport replicas) {
        }

        @Override
        public Integer call() throws Exception {
            OrderCommand.checkProtocol(spec, protocol);
            if (holdSeconds < 1 || holdSeconds > 120) {
                throw new ParameterException(spec.commandLine(), "--hold-seconds must be between 1 and 120");
            }
            if (replicas < 1 || replicas > Topology.MAX_REPLICAS) {
                throw new ParameterException(spec.commandLine(), "--replicas must be between 1 and " + Topology.MAX_REPLICAS);
            }
            Topology before = StackOptions.stack().config().topology();
            Stack stack = withReplicas(StackOptions.stack());
            if (stack == null) {
                return Pledge.ERROR;
            }
            if (!json) {
                UpCommand.up(stack, !stack.config().topology().equals(before));
                System.out.println();
                System.out.println("Blocking experiment: " + protocol.toUpperCase(Locale.ROOT) + ", coordinator crashes at "
                        + BlockingExperiment.CRASH_POINT + (replicas > 1 ? ", " + replicas + " coordinator replicas" : ""));
            } else {
                stack.up(line -> { });
            }
            // with --json the report alone goes to stdout; the running commentary goes to stderr
            Consumer<String> out = json ? System.err::println : System.out::println;
            Duration hold = Duration.ofSeconds(holdSeconds);
            Undo undo = Undo.onInterrupt(System.err);
            try {
                return run(stack, hold, out, undo);
            } catch (Exception e) {
                if (!undo.interrupted()) {
                    undo.putBack("The experiment stopped (" + e.getMessage() + ")");
                }
                throw e;
            } finally {
                undo.settle();
            }
        }

        private int run(Stack stack, Duration hold, Consumer<String> out, Undo undo) throws Exception {
            if (replicas == 1) {
                BlockingReport r = new BlockingExperiment(stack, hold, out, undo).run(protocol);
                report(r);
                return r.invariantsHold() ? 0 : Pledge.ERROR;
            }
            List<QuarkusService> others = stack.replicas(Stack.COORDINATOR).subList(1, replicas);
            out.accept("Run 1 of 2: a single coordinator (the other replicas stopped)");
            List<Object> stopped = new java.util.ArrayList<>();
            for (QuarkusService o : others) {
                out.accept("  " + o.name() + " " + o.stop(Duration.ofSeconds(20)));
                stopped.add(undo.add("start " + o.name() + " again", () -> {
                    if (o.runningPid().isEmpty()) {
                        o.start();
                    }
                    o.awaitReady(Duration.ofSeconds(120));
                }));
            }
            BlockingReport single = new BlockingExperiment(stack, hold, out, undo).run(protocol);
            out.accept("Run 2 of 2: " + replicas + " replicas (the others started again)");
            for (QuarkusService o : others) {
                o.start();
                o.awaitReady(Duration.ofSeconds(120));
                out.accept("  " + o.name() + " ready");
            }
            stopped.forEach(undo::done);
            BlockingReport replicated = new BlockingExperiment(stack, hold, out, undo).run(protocol);
            Comparison c = new Comparison(single, replicated);
            if (json) {
                System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
            } else {
                System.out.println();
                System.out.println("Single coordinator:");
                print(single);
                System.out.println();
                System.out.println(replicas + " coordinator replicas:");
                print(replicated);
                System.out.println();
                System.out.printf("  time from crash to resolution: %d ms with a single coordinator (restarted after %d s),"
                        + " %d ms with %d replicas%n", single.resolvedMs(), hold.toSeconds(), replicated.resolvedMs(), replicas);
            }
            return single.invariantsHold() && replicated.invariantsHold() ? 0 : Pledge.ERROR;
        }

        /** The stack with the coordinator replicas asked for; null (after saying why) when it runs with others. */
        private Stack withReplicas(Stack stack) {
            Topology saved = stack.config().topology();
            if (saved.coordinators() == replicas) {
                return stack;
            }
            if (stack.status().stream().anyMatch(s -> s.state() == ComponentStatus.State.RUNNING)) {
                System.err.println("error: the stack is running with " + saved + "; stop it with ./pledge down, or run"
                        + " the experiment with --replicas " + saved.coordinators());
                return null;
            }
            Topology wanted = new Topology(replicas, saved.orchestrators());
            wanted.save(stack.config().stateDir());
            return new Stack(stack.config().withTopology(wanted));
        }

        private void report(BlockingReport r) throws Exception {
            if (json) {
                System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
            } else {
                print(r);
            }
        }

        private static void print(BlockingReport r) {
            System.out.println();
            System.out.printf("  %-14s %s%n", "protocol", r.protocol());
            System.out.printf("  %-14s %s%n", "crash point", r.crashPoint());
            System.out.printf("  %-14s %d%n", "replicas up", r.replicasRunning());
            System.out.printf("  %-14s %s%n", "transaction", r.transactionId());
            System.out.printf("  %-14s %s%n", "blocked", r.blockedInWords());
            System.out.printf("  %-14s %s%n", "second order", r.secondOrderInWords());
            System.out.printf("  %-14s %d ms after the crash, by %s%s%n", "resolved", r.resolvedMs(), r.resolvedBy(),
                    r.resolvedBeforeRestart() ? ", before the coordinator came back" : ", once the coordinator was restarted");
            System.out.printf("  %-14s %s%n", "outcome", r.outcome());
            System.out.printf("  %-14s %s%n", "invariants", r.invariantsHold() ? "hold" : "VIOLATED");
            r.invariants().forEach(i -> System.out.println("                 " + i));
        }
    }
}
