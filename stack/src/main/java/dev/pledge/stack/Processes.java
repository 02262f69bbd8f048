package dev.pledge.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Launching detached processes, and finding, signalling and stopping them by PID. */
public final class Processes {
    private static final boolean HAS_SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"))
            || Files.isExecutable(Path.of("/bin/setsid"));

    private Processes() {
    }

    /**
     * Starts a command in its own session (so it outlives the caller and ignores the caller's terminal),
     * with stdin from /dev/null and stdout and stderr appended to the log file.
     */
    public static long launch(List<String> command, Map<String, String> env, Path workDir, Path logFile) {
        List<String> full = new ArrayList<>();
        if (HAS_SETSID) {
            full.add("setsid");
        }
        full.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true);
            pb.environment().putAll(env);
            return pb.start().pid();
        } catch (IOException e) {
            throw new StackException("could not start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    /** Runs a short command to completion and returns its output; fails with the output when it exits non-zero. */
    public static String run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new StackException("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new StackException(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new StackException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * Reads a /proc file. They report a size of 0, which the one-call readers (Files.readString,
     * readAllBytes) take at its word and cut short; a plain stream reads to the end.
     */
    static String readProcFile(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The command line of a live process, or empty when no such process exists. */
    public static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = readProcFile(Path.of("/proc", Long.toString(pid), "cmdline")).getBytes(StandardCharsets.UTF_8);
            if (raw.length == 0) {
                return Optional.empty(); // a zombie: it has exited
            }
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
        } catch (IOException e) {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .flatMap(h -> h.info().commandLine());
        }
    }

    /** A live process's resident memory (VmRSS) in kilobytes, or empty when it cannot be read. */
    public static java.util.OptionalLong residentKilobytes(long pid) {
        try {
            for (String line : readProcFile(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
                if (line.startsWith("VmRSS:")) {
                    return java.util.OptionalLong.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not Linux
        }
        return java.util.OptionalLong.empty();
    }

    /** True when the process is alive and its command line contains the marker, so a reused PID is not ours. */
    public static boolean isOurs(long pid, String marker) {
        return commandLine(pid).map(cmd -> cmd.contains(marker)).orElse(false);
    }

    /**
     * True while the process exists and has not exited. Read from /proc/PID/stat, not from the command
     * line, which reads empty for a moment while a process execs another program.
     */
    public static boolean isAlive(long pid) {
        try {
            String stat = readProcFile(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | IndexOutOfBoundsException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** Sends a signal by name: TERM and KILL through the JDK, any other (INT) with kill(1). */
    public static void signal(long pid, String signal) {
        switch (signal) {
            case "TERM" -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            case "KILL" -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            default -> run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(5));
        }
    }

    /**
     * Stops a process: the graceful signal first, then SIGKILL once the grace period is over.
     *
     * @return true when the process had to be killed
     */
    public static boolean stop(long pid, String gracefulSignal, Duration grace) {
        if (!isAlive(pid)) {
            return false;
        }
        signal(pid, gracefulSignal);
        if (awaitExit(pid, grace)) {
            return false;
        }
        signal(pid, "KILL");
        awaitExit(pid, Duration.ofSeconds(10));
        return true;
    }

    /** Waits until the process is gone; true when it went within the timeout. */
    public static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Sleeper.pause(Duration.ofMillis(50));
        }
        return true;
    }
}
