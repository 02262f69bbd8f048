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

    /** A participant refused a call as stale: the transaction has a newer epoch, so another replica owns it. */
    static String fenced(long epoch) {
        return "refused: epoch " + epoch + " is stale, another coordinator replica has taken the transaction over";
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
