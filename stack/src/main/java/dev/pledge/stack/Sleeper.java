package dev.pledge.stack;

import java.time.Duration;

/** A short pause between polls of something that has no signal to wait on (a port, a PID). */
public final class Sleeper {
    private Sleeper() {
    }

    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }
}
