package dev.pledge.dashboard.client;

import dev.pledge.common.problem.FailureText;

/** A service did not answer: refused, timed out or reset. Answered as 502 with a problem body. */
public class Unreachable extends RuntimeException {
    private final String service;

    public Unreachable(String service, String url, Throwable cause) {
        super(service + " is not reachable at " + url + ": " + FailureText.of(cause, "the request", url), cause);
        this.service = service;
    }

    public String service() {
        return service;
    }
}
