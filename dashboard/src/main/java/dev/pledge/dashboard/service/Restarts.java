package dev.pledge.dashboard.service;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackException;

/**
 * Starts a stopped component of the local stack again (after a crash point halted it, or a kill). Each restart
 * is written to the log under {@code pledge.audit}, naming who asked (docs/security.md).
 */
@ApplicationScoped
public class Restarts {
    private static final Duration READY = Duration.ofSeconds(120);
    private static final Logger AUDIT = Logger.getLogger("pledge.audit");

    @Inject
    LocalStack local;
    @Inject
    Live live;

    private final Set<String> starting = ConcurrentHashMap.newKeySet();

    /**
     * Begins the restart; its progress goes to the pages as {@code restart} events.
     *
     * @param who the person or client that asked, as the audit line names them
     */
    public void restart(String name, String who) {
        Stack stack = local.stack().orElseThrow(() -> ProblemException.conflict(
                "restarts need the local stack: start it with ./pledge up (elsewhere, your platform restarts services)"));
        if (name.equals(Stack.DASHBOARD)) {
            throw ProblemException.badRequest("the dashboard cannot restart itself");
        }
        ManagedProcess component = stack.component(name).orElseThrow(() -> ProblemException.notFound(
                "no component " + name + " in the local stack; known: " + stack.components().stream()
                        .map(ManagedProcess::name).filter(n -> !n.equals(Stack.DASHBOARD)).toList()));
        if (component.runningPid().isPresent()) {
            throw ProblemException.conflict(name + " is already running (pid " + component.runningPid().getAsLong() + ")");
        }
        if (!starting.add(name)) {
            throw ProblemException.conflict(name + " is already being started");
        }
        AUDIT.infof("%s restarted %s", who, name);
        Thread t = new Thread(() -> run(component), "restart-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void run(ManagedProcess component) {
        String name = component.name();
        long t0 = System.nanoTime();
        try {
            live.restart(name, "starting " + name, false, false);
            component.start();
            component.awaitReady(READY);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            live.restart(name, name + " ready in " + ms + " ms (pid " + component.runningPid().orElse(-1) + ")", true, true);
        } catch (StackException e) {
            live.restart(name, name + " did not start: " + e.getMessage(), true, false);
        } finally {
            starting.remove(name);
        }
    }
}
