package dev.pledge.cli;

import java.util.concurrent.Callable;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start every component of the local stack that is not running, and wait until all are healthy.",
                "Four PostgreSQL servers, one Kafka broker, then the four services. Running it twice is harmless."})
final class UpCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Stack stack = StackOptions.stack();
        up(stack);
        return 0;
    }

    static void up(Stack stack) {
        System.out.println("Starting the Pledge stack (state in " + stack.config().stateDir() + ")");
        long t0 = System.nanoTime();
        stack.up(System.out::println);
        System.out.printf("Stack ready in %.1f s. Dashboard: %s/  Coordinator: %s  Swagger UI: %s/q/swagger-ui%n",
                (System.nanoTime() - t0) / 1e9, stack.service(Stack.DASHBOARD).baseUrl(),
                stack.service(Stack.COORDINATOR).baseUrl(), stack.service(Stack.COORDINATOR).baseUrl());
    }
}
