package dev.pledge.bench;

/**
 * One way of running an order: through Pledge (2PC, 3PC, a saga) or a baseline issued directly. Every
 * client thread calls {@link #order} in a closed loop; an implementation is safe for that.
 */
public interface Target extends AutoCloseable {

    /** How an order ended. An error is an order whose outcome the client could not learn. */
    enum Outcome {
        COMMITTED, ABORTED, ERROR
    }

    /** The row name in reports: 2pc, 3pc, saga, local, 2pc-floor, 3pc-floor, saga-floor, narayana. */
    String name();

    /** Which protocol row this target is the floor or the incumbent of, or itself; "baseline" for (a). */
    Kind kind();

    /** Runs one order and waits for its end. */
    Outcome order(BenchOrder order) throws Exception;

    /** Releases what the target holds; a second call does nothing more. */
    @Override
    default void close() throws Exception {
    }

    enum Kind {
        /** Pledge itself. */
        PROTOCOL,
        /** (a) the same two updates as plain local commits. */
        BASELINE,
        /** (b), (c) the protocol's own database and Kafka work, issued directly. */
        FLOOR,
        /** (d) what a Java team would pick instead. */
        INCUMBENT
    }
}
