package dev.pledge.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pledge.stack.Net;
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

    int port(String component) {
        return Integer.parseInt(env.get(StackConfig.portVariable(component)));
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("pledge").toString());
        cmd.addAll(List.of(args));
        Path out = stateDir.resolve("cli-" + (++runs) + ".out");
        Path err = stateDir.resolve("cli-" + runs + ".err");
        Files.createDirectories(stateDir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("./pledge " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
