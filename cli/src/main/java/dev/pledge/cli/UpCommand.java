package dev.pledge.cli;

import java.util.concurrent.Callable;

import dev.pledge.stack.ComponentStatus;
import dev.pledge.stack.Stack;
import dev.pledge.stack.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start every component of the local stack that is not running, and wait until all are healthy.",
                "Four PostgreSQL servers, one Kafka broker, then the four services. Running it twice is harmless.",
                "With --coordinators or --orchestrators above 1, that service runs as replicas (coordinator-1, ...)"
                        + " behind a balancer on its usual port; later commands use the same topology."})
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--coordinators", paramLabel = "N",
            description = "Coordinator replicas, 1-" + Topology.MAX_REPLICAS + ", sharing one log (default: as last started, else 1).")
    Integer coordinators;

    @Option(names = "--orchestrators", paramLabel = "N",
            description = "Saga-orchestrator instances, 1-" + Topology.MAX_REPLICAS + ", sharing one database and Kafka"
                    + " consumer group (default: as last started, else 1).")
    Integer orchestrators;

    @Override
    public Integer call() {
        Stack current = StackOptions.stack();
        Topology saved = current.config().topology();
        Topology wanted = new Topology(replicas("--coordinators", coordinators, saved.coordinators()),
                replicas("--orchestrators", orchestrators, saved.orchestrators()));
        if (!wanted.equals(saved)) {
            if (current.status().stream().anyMatch(s -> s.state() == ComponentStatus.State.RUNNING)) {
                System.err.println("error: the stack is running with " + saved + "; stop it with ./pledge down before"
                        + " starting it with " + wanted);
                return 2;
            }
            wanted.save(current.config().stateDir());
        }
        up(new Stack(current.config().withTopology(wanted)), !wanted.equals(saved));
        return 0;
    }

    private int replicas(String option, Integer given, int saved) {
        if (given == null) {
            return saved;
        }
        if (given < 1 || given > Topology.MAX_REPLICAS) {
            throw new ParameterException(spec.commandLine(), option + " must be between 1 and " + Topology.MAX_REPLICAS
                    + ", not " + given);
        }
        return given;
    }

    /** Brings the stack up with the topology it last ran with. */
    static void up(Stack stack) {
        up(stack, false);
    }

    /**
     * Brings the stack up, saying which topology it starts.
     *
     * @param chosenNow the topology was given on this command line, not remembered from an earlier one
     */
    static void up(Stack stack, boolean chosenNow) {
        System.out.println("Starting the Pledge stack (state in " + stack.config().stateDir() + ")");
        Topology topology = stack.config().topology();
        if (!topology.equals(Topology.SINGLE)) {
            System.out.println("Topology: " + (chosenNow ? topology + ", kept by every later command until changed"
                    : topology.describe(stack.config().stateDir())));
            System.out.println("  several replicas run behind a balancer on the service's usual port");
        }
        long t0 = System.nanoTime();
        stack.up(System.out::println);
        System.out.printf("Stack ready in %.1f s. Dashboard: %s/  Coordinator: %s  Swagger UI: %s/q/swagger-ui%n",
                (System.nanoTime() - t0) / 1e9, stack.service(Stack.DASHBOARD).baseUrl(),
                stack.service(Stack.COORDINATOR).baseUrl(), stack.service(Stack.COORDINATOR).baseUrl());
    }
}
