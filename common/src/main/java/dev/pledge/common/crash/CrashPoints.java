package dev.pledge.common.crash;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.pledge.common.problem.ProblemException;

/**
 * Named places in the protocol code where an armed process halts at once, as in a real crash: no shutdown
 * hook runs, no transaction is rolled back, no reply is sent. A service names its points in
 * {@code pledge.crash-points}; one point at a time can be armed, through {@code /admin/crash-points}.
 *
 * <p>A point can also hold a pause: the next thread that reaches it waits there once, for the time given,
 * and goes on (before any crash armed at the same point). A pause opens a window at a chosen protocol
 * moment, e.g. to cut a participant off the network after the decision and before it is sent.
 */
@ApplicationScoped
public class CrashPoints {
    /** The exit status of a halted process, as after SIGKILL. */
    public static final int EXIT_CODE = 137;
    private static final Logger LOG = Logger.getLogger(CrashPoints.class);

    private final Set<String> known;
    /** The longest pause a point accepts. */
    public static final Duration MAX_PAUSE = Duration.ofMinutes(1);
    private final AtomicReference<String> armed = new AtomicReference<>();
    private final Map<String, Duration> pauses = new ConcurrentHashMap<>();
    private final List<Runnable> lastWrites = new java.util.concurrent.CopyOnWriteArrayList<>();

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
        requireKnown(point);
        armed.set(point);
        LOG.warnf("crash point %s armed: the next transaction that reaches it halts this process", point);
    }

    /** The pauses set and not yet taken, by point. */
    public Map<String, Duration> pauses() {
        return new TreeMap<>(pauses);
    }

    /** Sets a one-time pause at a point: the next thread to reach it waits there this long. */
    public void pause(String point, Duration pause) {
        requireKnown(point);
        if (pause.isNegative() || pause.isZero() || pause.compareTo(MAX_PAUSE) > 0) {
            throw ProblemException.badRequest("a pause must be 1 to " + MAX_PAUSE.toMillis() + " ms, not "
                    + pause.toMillis() + " ms");
        }
        pauses.put(point, pause);
        LOG.warnf("pause of %d ms set at %s: the next transaction that reaches it waits there", pause.toMillis(), point);
    }

    /**
     * Registers a write to finish before this process halts at a point: one that records, asynchronously,
     * what already happened before the point (the coordinator's timeline), so the crash is seen exactly at
     * the point named. It must bound its own wait. An external SIGKILL runs none of them.
     */
    public void beforeHalt(Runnable lastWrite) {
        lastWrites.add(lastWrite);
    }

    /** Disarms the armed crash point and clears every pause. */
    public void disarm() {
        armed.set(null);
        pauses.clear();
    }

    private void requireKnown(String point) {
        if (!known.contains(point)) {
            throw ProblemException.badRequest("unknown crash point '" + point + "'; known: " + String.join(", ", known));
        }
    }

    /** Waits when a pause is set at this point, then halts the process when it is armed; otherwise does nothing. */
    public void hit(String point) {
        Duration pause = pauses.remove(point);
        if (pause != null) {
            LOG.warnf("pause point %s reached: waiting %d ms", point, pause.toMillis());
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (point.equals(armed.get())) {
            LOG.errorf("crash point %s reached: halting now", point);
            lastWrites.forEach(Runnable::run);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
