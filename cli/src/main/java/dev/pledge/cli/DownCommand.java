package dev.pledge.cli;

import java.util.concurrent.Callable;

import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop exactly the processes the stack started, by PID: gracefully, then forcefully. Data is kept.")
final class DownCommand implements Callable<Integer> {

    @Option(names = "--purge", description = "Also delete all data and logs (the state directory).")
    boolean purge;

    @Override
    public Integer call() {
        Stack stack = StackOptions.stack();
        System.out.println("Stopping the Pledge stack");
        stack.down(System.out::println, purge);
        return 0;
    }
}
