package dev.pledge.common.crash;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.pledge.common.problem.ProblemException;

/**
 * Named places in the protocol code where an armed process halts at once, as in a real crash: no shutdown
 * hook runs, no transaction is rolled back, no reply is sent. A service names its points in
 * {@code pledge.crash-points}; one point at a time can be armed, through {@code /admin/crash-points}.
 */
@ApplicationScoped
public class CrashPoints {
    /** The exit status of a halted process, as after SIGKILL. */
    public static final int EXIT_CODE = 137;
    private static final Logger LOG = Logger.getLogger(CrashPoints.class);

    private final Set<String> known;
    private final AtomicReference<String> armed = new AtomicReference<>();

    public CrashPoints(@ConfigProperty(name = "pledge.crash-points") Optional<List<String>> known) {
        this.known = new TreeSet<>(known.orElse(List.of()));
    }

    public Set<String> known() {
        return known;
    }

    public Optional<String> armed() {
        return Optional.ofNullable(armed.get());
    }

    public void arm(String point) {
        if (!known.contains(point)) {
            throw ProblemException.badRequest("unknown crash point '" + point + "'; known: " + String.join(", ", known));
        }
        armed.set(point);
        LOG.warnf("crash point %s armed: the next transaction that reaches it halts this process", point);
    }

    public void disarm() {
        armed.set(null);
    }

    /** Halts the process when this point is armed; otherwise does nothing. */
    public void hit(String point) {
        if (point.equals(armed.get())) {
            LOG.errorf("crash point %s reached: halting now", point);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
