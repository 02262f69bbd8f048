package dev.pledge.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a component's log.")
final class LogsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMPONENT", description = "One of: postgres-coordinator, postgres-inventory, postgres-payment,"
            + " postgres-saga, kafka, inventory, payment, coordinator, saga-orchestrator.")
    String component;

    @Option(names = {"-n", "--lines"}, defaultValue = "100", description = "How many lines from the end (default ${DEFAULT-VALUE}); 0 for all.")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Stack stack = StackOptions.stack();
        ManagedProcess c = stack.component(component).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown component '" + component + "'; known: "
                        + String.join(", ", stack.components().stream().map(ManagedProcess::name).toList())));
        Path log = c.logFile();
        if (!Files.exists(log)) {
            System.err.println("no log yet for " + component + " (" + log + "): has it been started?");
            return Pledge.ERROR;
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        int from = lines <= 0 ? 0 : Math.max(0, all.size() - lines);
        all.subList(from, all.size()).forEach(System.out::println);
        if (follow) {
            follow(log, Files.size(log));
        }
        return 0;
    }

    private static void follow(Path log, long offset) throws IOException, InterruptedException {
        long position = offset;
        while (true) {
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                if (f.length() > position) {
                    f.seek(position);
                    byte[] chunk = new byte[(int) (f.length() - position)];
                    f.readFully(chunk);
                    System.out.print(new String(chunk, StandardCharsets.UTF_8));
                    System.out.flush();
                    position = f.length();
                }
            }
            Thread.sleep(300);
        }
    }
}
