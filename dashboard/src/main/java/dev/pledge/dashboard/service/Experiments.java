package dev.pledge.dashboard.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.FailureText;
import dev.pledge.common.problem.ProblemException;

/**
 * Runs the CLI's experiments (the blocking experiment, the saga comparison) against the local stack, one at a
 * time, as the same {@code pledge} commands a user would type with {@code --json}: their progress lines are
 * streamed to the page and their JSON report is kept.
 */
@ApplicationScoped
public class Experiments {
    private static final Logger LOG = Logger.getLogger(Experiments.class);

    @Inject
    LocalStack local;
    @Inject
    ObjectMapper json;
    @Inject
    Live live;

    /** One run: what was asked, its progress, and its report once done. */
    public record Run(String runId, String type, Map<String, Object> args, String status, List<String> lines,
                      JsonNode report, String error, Instant startedAt) {
    }

    private final AtomicReference<RunState> latest = new AtomicReference<>();

    private static final class RunState {
        final String runId = UUID.randomUUID().toString();
        final String type;
        final Map<String, Object> args;
        final Instant startedAt = Instant.now();
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        volatile String status = "running";
        volatile JsonNode report;
        volatile String error;
        volatile Process process;

        RunState(String type, Map<String, Object> args) {
            this.type = type;
            this.args = args;
        }

        Run view() {
            synchronized (lines) {
                return new Run(runId, type, args, status, List.copyOf(lines), report, error, startedAt);
            }
        }
    }

    /** Starts an experiment; 409 while another one runs, 409 without a local stack. */
    public synchronized Run start(String type, Map<String, Object> args, List<String> cliArgs) {
        Path jar = local.cliJar().orElseThrow(() -> ProblemException.conflict(
                "experiments run the pledge command against the local stack: start the stack with ./pledge up"));
        RunState current = latest.get();
        if (current != null && current.status.equals("running")) {
            throw ProblemException.conflict("experiment " + current.runId + " (" + current.type + ") is still running");
        }
        RunState run = new RunState(type, args);
        List<String> command = new ArrayList<>(List.of(local.stack().orElseThrow().config().java(), "-jar", jar.toString()));
        command.addAll(cliArgs);
        try {
            run.process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new ProblemException(500, "Internal Server Error", "could not start " + String.join(" ", command) + ": "
                    + FailureText.of(e));
        }
        latest.set(run);
        run.lines.add("$ pledge " + String.join(" ", cliArgs));
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(run.process));
        Thread progress = new Thread(() -> follow(run, stdout), "experiment-" + type);
        progress.setDaemon(true);
        progress.start();
        return run.view();
    }

    public Optional<Run> find(String runId) {
        RunState run = latest.get();
        return run != null && run.runId.equals(runId) ? Optional.of(run.view()) : Optional.empty();
    }

    public Optional<Run> latest() {
        return Optional.ofNullable(latest.get()).map(RunState::view);
    }

    private void follow(RunState run, CompletableFuture<String> stdout) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(run.process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                run.lines.add(line);
                live.experimentLine(run.runId, line);
            }
            int exit = run.process.waitFor();
            String out = stdout.join();
            try {
                run.report = json.readTree(out);
            } catch (IOException e) {
                run.report = null;
            }
            if (run.report == null || run.report.isMissingNode() || run.report.isNull()) {
                run.error = "the command ended with exit code " + exit + " and no report" + lastLine(run);
                run.status = "failed";
            } else {
                run.status = "done";
                if (exit != 0) {
                    run.error = "the invariants do not hold (exit code " + exit + ")";
                }
            }
        } catch (IOException e) {
            run.error = "could not read the command's output: " + FailureText.of(e);
            run.status = "failed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.error = "interrupted";
            run.status = "failed";
        }
        LOG.infof("experiment %s (%s) %s", run.runId, run.type, run.status);
        live.experimentDone(run.runId, run.status);
    }

    private static String lastLine(RunState run) {
        synchronized (run.lines) {
            return run.lines.isEmpty() ? "" : ": " + run.lines.get(run.lines.size() - 1);
        }
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @PreDestroy
    void stop() {
        RunState run = latest.get();
        if (run != null && run.process != null && run.process.isAlive()) {
            run.process.destroy();
        }
    }
}
