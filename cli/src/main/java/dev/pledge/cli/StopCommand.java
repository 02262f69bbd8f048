package dev.pledge.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pledge.stack.AuditTrail;
import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.Processes;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop one or more components by PID, gracefully, or with --kill at once (SIGKILL, as a crash).")
final class StopCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMPONENT", arity = "1..*", description = "Component names, as ./pledge status shows them.")
    List<String> names;

    @Option(names = "--kill", description = "Send SIGKILL: no shutdown, as in a crash.")
    boolean kill;

    @Override
    public Integer call() {
        Stack stack = StackOptions.stack();
        AuditTrail audit = AuditTrail.of(stack.config());
        for (String name : names) {
            ManagedProcess c = ServiceArg.component(stack, name, spec);
            if (kill && c.runningPid().isPresent()) {
                long pid = c.runningPid().getAsLong();
                audit.record("killed " + name + " (pid " + pid + ", SIGKILL)");
                Processes.signal(pid, "KILL");
                Processes.awaitExit(pid, Duration.ofSeconds(10));
                System.out.printf("  %-21s killed (pid %d)%n", name, pid);
            } else {
                c.runningPid().ifPresent(pid -> audit.record("stopped " + name + " (pid " + pid + ")"));
                System.out.printf("  %-21s %s%n", name, c.stop(Duration.ofSeconds(20)));
            }
        }
        return 0;
    }
}
