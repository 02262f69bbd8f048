package dev.pledge.participant.saga;

import java.sql.SQLException;
import java.util.Set;

/**
 * A saga command whose SQL failed for a reason that trying again cannot change: bad data (SQLSTATE class 22),
 * a broken constraint (23, but for a unique key that a concurrent copy of the command took: that one is a
 * race, retried), or a statement the database refuses (42). The handler tries such a command a few times,
 * then raises this instead of the SQLException, so that its retry without end, meant for a database that is
 * away, does not hold the partition for ever: the consumers send the command to the dead-letter topic.
 */
public final class UnprocessableCommand extends RuntimeException {
    private static final Set<String> DETERMINISTIC_CLASSES = Set.of("22", "23", "42");
    private static final String UNIQUE_VIOLATION = "23505";

    UnprocessableCommand(int attempts, SQLException cause) {
        super("failed " + attempts + " times, SQLSTATE " + cause.getSQLState() + ": " + cause.getMessage(), cause);
    }

    /** Whether no retry can make this failure go away. */
    static boolean deterministic(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.length() == 5 && !UNIQUE_VIOLATION.equals(state)
                && DETERMINISTIC_CLASSES.contains(state.substring(0, 2));
    }
}
