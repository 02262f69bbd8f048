package dev.pledge.coordinator.service;

import java.time.Duration;

import jakarta.ws.rs.WebApplicationException;

/** Small helpers for describing participant calls in the timeline. */
final class Calls {
    private Calls() {
    }

    static long millisSince(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    /** "HTTP 409 branch ... was aborted", or the root cause of a connection failure. */
    static String describe(RuntimeException e) {
        if (e instanceof WebApplicationException w) {
            return "HTTP " + w.getResponse().getStatus() + " " + ProblemText.of(w);
        }
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
    }
}
