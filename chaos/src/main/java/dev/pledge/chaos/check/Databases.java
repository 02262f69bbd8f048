package dev.pledge.chaos.check;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.pledge.stack.Stack;

/** JDBC access to the stack's four databases, read directly and never through the services. */
public final class Databases {
    public enum Db {
        INVENTORY, PAYMENT, COORDINATOR, SAGA
    }

    private final String[] urls = new String[Db.values().length];

    private Databases(Stack stack) {
        urls[Db.INVENTORY.ordinal()] = url(stack, Stack.PG_INVENTORY, "inventory");
        urls[Db.PAYMENT.ordinal()] = url(stack, Stack.PG_PAYMENT, "payment");
        urls[Db.COORDINATOR.ordinal()] = url(stack, Stack.PG_COORDINATOR, "coordinator");
        urls[Db.SAGA.ordinal()] = url(stack, Stack.PG_SAGA, "saga");
    }

    /** The stack's databases, logged in to as their administrator (the operator's identity; see docs/security.md). */
    public static Databases of(Stack stack) {
        return new Databases(stack);
    }

    private static String url(Stack stack, String server, String db) {
        return stack.postgres(server).adminJdbcUrl(db) + "&connectTimeout=5&socketTimeout=30";
    }

    public Connection connect(Db db) throws SQLException {
        return DriverManager.getConnection(url(db));
    }

    /** The JDBC URL of one database (user and timeouts included), for a data source of one's own. */
    public String url(Db db) {
        return urls[db.ordinal()];
    }

    /** Every row of a query, each as its columns' text. */
    public List<String[]> rows(Db db, String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    /** A single number (a count or a sum); zero when the query yields no value. */
    public BigDecimal number(Db db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            BigDecimal v = rs.next() ? rs.getBigDecimal(1) : null;
            return v == null ? BigDecimal.ZERO : v;
        }
    }
}
