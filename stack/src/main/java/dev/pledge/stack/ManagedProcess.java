package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One process of the local stack: started detached, remembered by a PID file, recognised by a marker in
 * its command line (so a PID reused by an unrelated process is never taken for ours), and stopped by PID.
 */
public abstract class ManagedProcess {
    private static final int LOG_TAIL_LINES = 25;

    private final String name;
    private final int port;
    private final Path stateDir;

    protected ManagedProcess(String name, int port, Path stateDir) {
        this.name = name;
        this.port = port;
        this.stateDir = stateDir;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** "postgres", "kafka" or "service". */
    public abstract String kind();

    protected Path stateDir() {
        return stateDir;
    }

    public Path pidFile() {
        return stateDir.resolve("run").resolve(name + ".pid");
    }

    public Path logFile() {
        return stateDir.resolve("logs").resolve(name + ".log");
    }

    protected abstract List<String> command();

    protected Map<String, String> environment() {
        return Map.of();
    }

    /** A string that only this component's command line contains. */
    protected abstract String marker();

    /** Signal that asks the process to shut down cleanly. */
    protected String gracefulSignal() {
        return "TERM";
    }

    /** Work before launch (e.g. creating a data directory on first start). */
    protected void prepare() {
    }

    /** Whether the running process is ready to serve. */
    public abstract boolean isReady();

    /** Work once ready (e.g. creating a database). */
    protected void afterReady() {
    }

    /** The PID from the PID file, when that process is alive and is this component. */
    public OptionalLong runningPid() {
        OptionalLong recorded = recordedPid();
        if (recorded.isPresent() && Processes.isOurs(recorded.getAsLong(), marker())) {
            return recorded;
        }
        return OptionalLong.empty();
    }

    /** True when a PID file exists but names no live process of ours (left behind by a crash). */
    public boolean hasStalePidFile() {
        return recordedPid().isPresent() && runningPid().isEmpty();
    }

    private OptionalLong recordedPid() {
        try {
            if (!Files.exists(pidFile())) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.of(-1);
        }
    }

    /**
     * Starts the process unless it already runs.
     *
     * @return true when a new process was started
     */
    public boolean start() {
        if (runningPid().isPresent()) {
            return false;
        }
        try {
            Files.deleteIfExists(pidFile());
            Files.createDirectories(pidFile().getParent());
            prepare();
            long pid = Processes.launch(command(), environment(), stateDir, logFile());
            Files.writeString(pidFile(), pid + "\n");
            return true;
        } catch (IOException e) {
            throw new StackException(name + ": " + e.getMessage(), e);
        }
    }

    /** Waits until ready; fails with the end of the log when the process dies or the deadline passes. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            // alive, not "ours": just after launch the command line is still the launcher's, not yet the
            // component's (exec has not happened), so the marker cannot be checked here
            OptionalLong pid = recordedPid();
            if (pid.isEmpty() || !Processes.isAlive(pid.getAsLong())) {
                throw new StackException(name + " exited during start-up. Last lines of " + logFile() + ":\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(name + " was not ready after " + timeout.toSeconds() + " s. Last lines of "
                        + logFile() + ":\n" + logTail());
            }
            Sleeper.pause(Duration.ofMillis(100));
        }
        afterReady();
    }

    /**
     * Stops the process by PID, gracefully and then forcefully, and removes its PID file.
     *
     * @return what happened, for the user
     */
    public String stop(Duration grace) {
        OptionalLong pid = runningPid();
        String outcome;
        if (pid.isEmpty()) {
            outcome = hasStalePidFile() ? "not running (stale PID file removed)" : "not running";
        } else {
            boolean killed = Processes.stop(pid.getAsLong(), gracefulSignal(), grace);
            outcome = (killed ? "killed" : "stopped") + " (pid " + pid.getAsLong() + ")";
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new StackException(name + ": could not remove " + pidFile() + ": " + e.getMessage(), e);
        }
        return outcome;
    }

    public ComponentStatus status() {
        OptionalLong pid = runningPid();
        if (pid.isEmpty()) {
            return new ComponentStatus(name(), kind(), port(), null,
                    hasStalePidFile() ? ComponentStatus.State.STALE : ComponentStatus.State.STOPPED, false);
        }
        return new ComponentStatus(name(), kind(), port(), pid.getAsLong(), ComponentStatus.State.RUNNING, isReady());
    }

    /** The last lines of the log, for error messages. */
    public String logTail() {
        try {
            if (!Files.exists(logFile())) {
                return "(no log yet)";
            }
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
