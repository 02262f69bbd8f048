package dev.pledge.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pledge.stack.AuditTrail;
import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start one or more components (e.g. a crashed coordinator) and wait until they are ready.")
final class StartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMPONENT", arity = "1..*", description = "Component names, as ./pledge status shows them.")
    List<String> names;

    @Override
    public Integer call() {
        Stack stack = StackOptions.stack();
        AuditTrail audit = AuditTrail.of(stack.config());
        for (String name : names) {
            ManagedProcess c = ServiceArg.component(stack, name, spec);
            long t0 = System.nanoTime();
            boolean started = c.start();
            boolean ready = false;
            try {
                c.awaitReady(Duration.ofSeconds(120));
                ready = true;
            } finally {
                if (started) { // recorded once it runs as itself: until its launcher has exec'd, its PID is not yet its own
                    audit.record("started " + name + (ready ? " (pid " + c.runningPid().orElse(-1) + ")"
                            : " (it did not become ready)"));
                }
            }
            System.out.printf("  %-21s %s on port %d pid %d%n", name, started
                    ? "ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms," : "already running,", c.port(),
                    c.runningPid().orElse(-1));
        }
        return 0;
    }
}
