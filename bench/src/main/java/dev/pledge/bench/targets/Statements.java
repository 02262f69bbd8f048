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

    /** One row in a floor's log: a decision, a pre-commit, a saga's step. A commit of its own. */
    static void log(Connection c, String gid, String what) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_floor_log (gid, what) VALUES (?, ?)")) {
            ps.setString(1, gid);
            ps.setString(2, what);
            ps.executeUpdate();
        }
    }
}
