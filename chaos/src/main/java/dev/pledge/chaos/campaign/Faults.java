package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;

import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;
import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackException;

/** Kills, crashes and restarts the stack's processes, by PID; arms crash points as the operator. */
public final class Faults {
    private static final Duration READY = Duration.ofSeconds(120);
    private final Stack stack;
    private final Consumer<String> progress;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final TokenMinter operator;

    Faults(Stack stack, Consumer<String> progress) {
        this.stack = stack;
        this.progress = progress;
        this.operator = stack.identities().minter(Caller.OPERATOR);
    }

    /** SIGKILL, as a machine losing power would end it. */
    void kill(String component) {
        ManagedProcess p = component(component);
        OptionalLong pid = p.runningPid();
        if (pid.isEmpty()) {
            throw new StackException(component + " is not running; nothing to kill");
        }
        Processes.signal(pid.getAsLong(), "KILL");
        awaitDeath(p, pid.getAsLong(), Duration.ofSeconds(10));
        progress.accept("killed " + component + " (pid " + pid.getAsLong() + ", SIGKILL)");
    }

    /**
     * Arms a named crash point and waits up to {@code patience} for the service to reach it and halt.
     *
     * @return whether it crashed; if not, the point is disarmed again
     */
    boolean crashAt(String service, String point, Duration patience) {
        QuarkusService s = stack.service(service);
        long pid = s.runningPid().orElseThrow(() -> new StackException(service + " is not running"));
        // under load the point may be reached before the answer is written: a lost answer is no error here
        sendQuietly("PUT", s.baseUrl() + "/admin/crash-points/" + point);
        long end = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < end) {
            if (!Processes.isAlive(pid)) {
                progress.accept(service + " halted at crash point " + point);
                return true;
            }
            Sleeper.pause(Duration.ofMillis(50));
        }
        sendQuietly("DELETE", s.baseUrl() + "/admin/crash-points");
        return !Processes.isAlive(pid); // reviveAll() restarts it should it halt after all
    }

    /** Arms a named crash point: the next transaction that reaches it halts the service. */
    void arm(String service, String point) {
        send("PUT", stack.service(service).baseUrl() + "/admin/crash-points/" + point);
    }

    /** Sets a one-time pause at a named point: the next transaction that reaches it waits there. */
    void pauseAt(String service, String point, Duration pause) {
        send("PUT", stack.service(service).baseUrl() + "/admin/crash-points/" + point + "/pause?millis=" + pause.toMillis());
    }

    /** Disarms a service's crash point and clears its pauses, should it still run. */
    void disarm(String service) {
        if (stack.service(service).runningPid().isPresent()) {
            sendQuietly("DELETE", stack.service(service).baseUrl() + "/admin/crash-points");
        }
    }

    /** Starts a component again and waits until it is ready. A server still releasing its files is retried. */
    void restart(String component) {
        ManagedProcess p = component(component);
        for (int attempt = 1; ; attempt++) {
            try {
                p.start();
                p.awaitReady(READY);
                progress.accept("restarted " + component);
                return;
            } catch (StackException e) {
                if (attempt == 5) {
                    throw e;
                }
                p.stop(Duration.ofSeconds(2));
                Sleeper.pause(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Stops one form of a service and starts the other (other settings, another network) on the same port
     * and PID file.
     */
    public static void swap(QuarkusService from, QuarkusService to, Consumer<String> progress) {
        from.stop(Duration.ofSeconds(20));
        for (int attempt = 1; ; attempt++) {
            try {
                to.start();
                to.awaitReady(READY);
                progress.accept("  " + to.name() + " ready (pid " + to.runningPid().orElse(-1) + ")");
                return;
            } catch (StackException e) {
                if (attempt == 3) {
                    throw e;
                }
                to.stop(Duration.ofSeconds(2));
            }
        }
    }

    /** Restarts every component that is not running: a crash point that halted one late, or a failed step. */
    void reviveAll() {
        for (ManagedProcess p : stack.components()) {
            if (p.runningPid().isEmpty()) {
                progress.accept(p.name() + " is down: restarting it");
                restart(p.name());
            }
        }
    }

    private ManagedProcess component(String name) {
        return stack.component(name).orElseThrow(() -> new StackException("no component " + name + " in the stack"));
    }

    private static void awaitDeath(ManagedProcess p, long pid, Duration patience) {
        long end = System.nanoTime() + patience.toNanos();
        while (Processes.isAlive(pid)) {
            if (System.nanoTime() > end) {
                throw new StackException(p.name() + " (pid " + pid + ") still alive after SIGKILL");
            }
            Sleeper.pause(Duration.ofMillis(20));
        }
    }

    private void send(String method, String url) {
        try {
            HttpResponse<String> resp = exchange(method, url);
            if (resp.statusCode() != 200) {
                throw new StackException(method + " " + url + " answered " + resp.statusCode() + ": " + resp.body());
            }
        } catch (IOException e) {
            throw new StackException(method + " " + url + ": " + e.getMessage(), e);
        }
    }

    private void sendQuietly(String method, String url) {
        try {
            HttpResponse<String> resp = exchange(method, url);
            if (resp.statusCode() >= 400) {
                progress.accept("  (" + method + " " + url + ": HTTP " + resp.statusCode() + " " + resp.body() + ")");
            }
        } catch (IOException e) {
            progress.accept("  (" + method + " " + url + ": " + e.getMessage() + ")");
        }
    }

    private HttpResponse<String> exchange(String method, String url) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", operator.bearer(Caller.EVERY_SERVICE)).method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }
}
