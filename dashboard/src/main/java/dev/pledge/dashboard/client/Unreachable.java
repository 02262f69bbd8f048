package dev.pledge.dashboard.client;

/** A service did not answer: refused, timed out or reset. Answered as 502 with a problem body. */
public class Unreachable extends RuntimeException {
    private final String service;

    public Unreachable(String service, String url, Throwable cause) {
        super(service + " is not reachable at " + url + ": " + describe(cause), cause);
        this.service = service;
    }

    public String service() {
        return service;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
