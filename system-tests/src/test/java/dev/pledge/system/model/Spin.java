package dev.pledge.system.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Spin model checker on a Promela model in {@code docs/model}: generate the verifier with the
 * given {@code -D} switches, compile it with the C compiler, run it, and read its verdict.
 */
final class Spin {
    private static final Pattern ERRORS = Pattern.compile("errors: (\\d+)");
    private static final Pattern STATES = Pattern.compile("(\\d+) states, stored");

    /** What one verification found. {@code trail} is the counterexample spin wrote, if it found one. */
    record Verdict(int errors, long states, boolean assertionViolated, boolean invalidEndState, String output,
            Optional<Path> trail) {
    }

    private final Path models;
    private final Path work;

    Spin(Path models, Path work) {
        this.models = models;
        this.work = work;
    }

    /** Whether spin and a C compiler are on the PATH. */
    static boolean available() {
        return onPath("spin") && onPath("cc");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Verifies {@code model} (a file name in docs/model) in a directory of its own named {@code run}.
     *
     * @param defines    the model's switches, e.g. {@code CRASH}
     * @param endStates  whether an invalid end state (a process stuck forever) counts as an error
     * @param shortest   whether to search on for the shortest counterexample
     */
    Verdict verify(String run, String model, List<String> defines, boolean endStates, boolean shortest)
            throws IOException, InterruptedException {
        Path dir = work.resolve(run);
        Files.createDirectories(dir);
        Files.copy(models.resolve(model), dir.resolve(model), StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(dir.resolve(model + ".trail"));
        List<String> spin = new ArrayList<>(List.of("spin", "-a"));
        defines.forEach(d -> spin.add("-D" + d));
        spin.add(model);
        run(dir, spin, true);
        List<String> cc = new ArrayList<>(List.of("cc", "-O2", "-DSAFETY"));
        if (shortest) {
            cc.add("-DREACH");
        }
        cc.addAll(List.of("-o", "pan", "pan.c"));
        run(dir, cc, true);
        List<String> pan = new ArrayList<>(List.of("./pan", "-m1000000"));
        if (!endStates) {
            pan.add("-E");
        }
        if (shortest) {
            pan.add("-i");
        }
        String out = run(dir, pan, false); // pan exits non-zero when it found an error
        if (out.contains("max search depth too small")) {
            throw new IllegalStateException("the search was cut short by its depth limit; raise -m:\n" + out);
        }
        Matcher errors = ERRORS.matcher(out);
        Matcher states = STATES.matcher(out);
        if (!errors.find() || !states.find()) {
            throw new IllegalStateException("no verdict in spin's output:\n" + out);
        }
        Path trail = dir.resolve(model + ".trail");
        return new Verdict(Integer.parseInt(errors.group(1)), Long.parseLong(states.group(1)),
                out.contains("assertion violated"), out.contains("invalid end state ("), out,
                Files.exists(trail) ? Optional.of(trail) : Optional.empty());
    }

    /** Replays a trail against {@code model} with the same switches; returns spin's account of it. */
    String replay(String run, String model, List<String> defines, Path trail) throws IOException, InterruptedException {
        Path dir = work.resolve(run);
        Files.createDirectories(dir);
        Files.copy(models.resolve(model), dir.resolve(model), StandardCopyOption.REPLACE_EXISTING);
        List<String> spin = new ArrayList<>(List.of("spin", "-t", "-k", trail.toAbsolutePath().toString()));
        defines.forEach(d -> spin.add("-D" + d));
        spin.add(model);
        return run(dir, spin, false); // spin exits non-zero when the replay reaches the violation
    }

    private static String run(Path dir, List<String> command, boolean mustSucceed) throws IOException, InterruptedException {
        Path log = dir.resolve(command.get(0).replace("./", "") + ".out");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 5 minutes");
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (mustSucceed && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }
}
