package dev.pledge.common.problem;

/** Thrown by a service to answer with a problem details body and the given status. */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;
    private final String type;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, "about:blank");
    }

    /** @param type a URI naming the kind of problem, for clients that act on it (see {@link Problem}) */
    public ProblemException(int status, String title, String detail, String type) {
        super(detail);
        this.status = status;
        this.title = title;
        this.type = type;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public Problem toProblem() {
        return new Problem(type, title, status, getMessage(), null, null);
    }
}
