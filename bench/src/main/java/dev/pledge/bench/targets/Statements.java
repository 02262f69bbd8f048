package dev.pledge.bench.targets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import dev.pledge.bench.BenchOrder;

/** The two business updates every target makes, worded as the participants word them. */
final class Statements {
    private Statements() {
    }

    /** Takes one unit of stock; false when there is none. */
    static boolean reserve(Connection c, BenchOrder o) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE products SET stock = stock - 1 WHERE sku = ? AND stock >= 1")) {
            ps.setString(1, o.sku());
            return ps.executeUpdate() == 1;
        }
    }

    /** Takes the amount from the account; false when the balance is short. */
    static boolean charge(Connection c, BenchOrder o) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?")) {
            ps.setBigDecimal(1, o.amount());
            ps.setString(2, o.account());
            ps.setBigDecimal(3, o.amount());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Rows in a floor's log, in one statement: a decision, a pre-commit, a saga's step with the outbox row of
     * the message it sends. A commit of its own where the connection commits each statement.
     */
    static void log(Connection c, String gid, String... whats) throws SQLException {
        String values = String.join(", ", java.util.Collections.nCopies(whats.length, "(?, ?)"));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_floor_log (gid, what) VALUES " + values)) {
            for (int i = 0; i < whats.length; i++) {
                ps.setString(2 * i + 1, gid);
                ps.setString(2 * i + 2, whats[i]);
            }
            ps.executeUpdate();
        }
    }
}
