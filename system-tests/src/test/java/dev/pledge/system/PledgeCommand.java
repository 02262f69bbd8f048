package dev.pledge.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pledge.stack.FileTrees;
import dev.pledge.stack.Net;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackConfig;

/** Runs the repository's ./pledge script as a user would, against a stack of its own on free ports. */
final class PledgeCommand {
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final Path home;
    private final Path stateDir;
    private final Map<String, String> env = new HashMap<>();
    private int runs;

    /** For a test class: the repository Maven names ({@code pledge.home}), and an empty state in {@code target/<name>}. */
    static PledgeCommand inFreshState(String name) throws IOException {
        Path state = Path.of("target", name).toAbsolutePath();
        FileTrees.delete(state);
        return new PledgeCommand(Path.of(System.getProperty("pledge.home")).toAbsolutePath(), state);
    }

    /** For a test class: an empty state (as {@link #inFreshState}) and the stack started by {@code ./pledge up}. */
    static PledgeCommand upInFreshState(String name) throws IOException, InterruptedException {
        PledgeCommand pledge = inFreshState(name);
        Result up = pledge.run("up");
        if (up.exitCode() != 0) {
            throw new AssertionError("./pledge up failed\n" + up);
        }
        return pledge;
    }

    PledgeCommand(Path home, Path stateDir) {
        this.home = home;
        this.stateDir = stateDir;
        env.put("PLEDGE_STATE_DIR", stateDir.toString());
        env.put("PLEDGE_PG_FSYNC", "off");
        for (String component : StackConfig.DEFAULT_PORTS.keySet()) {
            env.put(StackConfig.portVariable(component), Integer.toString(Net.freePort()));
        }
    }

    Map<String, String> env() {
        return env;
    }

    /** The stack the commands run, as the test reads it: its config, ports, components and their PIDs. */
    Stack stack() {
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(env);
        all.put("PLEDGE_HOME", home.toString());
        return new Stack(StackConfig.fromEnv(all, home));
    }

    int port(String component) {
        return Integer.parseInt(env.get(StackConfig.portVariable(component)));
    }

    Result run(String... args) throws IOException, InterruptedException {
        return start(args).finish(Duration.ofMinutes(5));
    }

    /** Starts ./pledge without waiting for it: for a command that runs until stopped, or that waits on the test. */
    Running start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("pledge").toString());
        cmd.addAll(List.of(args));
        // beside the state directory, not in it: down --purge deletes that
        Path outputs = stateDir.resolveSibling(stateDir.getFileName() + "-cli");
        Path out = outputs.resolve("cli-" + (++runs) + ".out");
        Path err = outputs.resolve("cli-" + runs + ".err");
        Files.createDirectories(outputs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        return new Running("./pledge " + String.join(" ", args), pb.start(), out, err);
    }

    /** A ./pledge command started and not yet waited for. */
    record Running(String command, Process process, Path out, Path err) {
        /** What it has printed to standard output so far. */
        String outSoFar() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        Result finish(Duration limit) throws IOException, InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                stop();
                throw new AssertionError(command + " did not finish in " + limit + "\n" + result(-1));
            }
            return result(process.exitValue());
        }

        /** Ends it, with the whole process tree (the script's java child among it). */
        void stop() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        private Result result(int exitCode) throws IOException {
            return new Result(exitCode, outSoFar(), Files.readString(err, StandardCharsets.UTF_8));
        }
    }
}
