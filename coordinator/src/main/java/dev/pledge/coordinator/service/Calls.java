package dev.pledge.coordinator.service;

import java.time.Duration;

import jakarta.ws.rs.WebApplicationException;

import dev.pledge.common.problem.FailureText;

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

    /**
     * "HTTP 409 branch ... was aborted", or what became of the call in plain words: "connection refused at
     * 127.0.0.1:8081 (...)", "no answer within 5000 ms to the commit".
     *
     * @param message the call ("prepare", "commit"), named when no answer came
     * @param url     the participant's address, named when the failure itself does not say
     */
    static String describe(RuntimeException e, String message, String url) {
        if (e instanceof WebApplicationException w) {
            return "HTTP " + w.getResponse().getStatus() + " " + ProblemText.of(w);
        }
        return FailureText.of(e, "the " + message, url);
    }
}
