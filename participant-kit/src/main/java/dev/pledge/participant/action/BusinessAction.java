package dev.pledge.participant.action;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * The business change a participant makes in a branch: reserve stock, debit an account. It runs inside
 * the branch's local transaction; the kit then ends that transaction with PREPARE TRANSACTION (vote YES)
 * or rolls it back (vote NO). A participant service provides exactly one bean of this type.
 *
 * @param <T> the operation payload, validated with Bean Validation before {@link #apply} runs
 */
public interface BusinessAction<T> {

    Class<T> operationType();

    /**
     * Applies the change on the given connection, which is inside an open transaction.
     *
     * @return empty to vote YES, or the reason to vote NO (the transaction is then rolled back)
     */
    Optional<String> apply(Connection tx, T operation) throws SQLException;

    /**
     * Undoes an applied operation inside an open transaction (a saga's compensation: release the stock,
     * refund the amount). Called only for an operation that {@link #apply} accepted and committed.
     */
    void compensate(Connection tx, T operation) throws SQLException;

    /** The names saga commands use for {@link #apply}, {@link #compensate} and, if any, {@link #confirmInSaga}. */
    SagaVerbs sagaVerbs();

    /** {@link #apply} as a saga step; a participant that keeps per-saga records (a reservation) adds them here. */
    default Optional<String> applyInSaga(Connection tx, UUID saga, T operation) throws SQLException {
        return apply(tx, operation);
    }

    /** {@link #compensate} as a saga compensation, for an action that {@link #applyInSaga} accepted. */
    default void compensateInSaga(Connection tx, UUID saga, T operation) throws SQLException {
        compensate(tx, operation);
    }

    /**
     * Makes a saga's applied operation final (confirm a reservation), inside an open transaction. Only called
     * when {@link #sagaVerbs()} names a confirmation.
     *
     * @return empty when confirmed, or why it cannot be (e.g. the reservation was already released)
     */
    default Optional<String> confirmInSaga(Connection tx, UUID saga, T operation) throws SQLException {
        throw new UnsupportedOperationException("this participant has no saga confirmation");
    }
}
