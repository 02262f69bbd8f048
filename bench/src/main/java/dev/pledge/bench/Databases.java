package dev.pledge.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import dev.pledge.stack.Stack;

/** Where the stack's four databases listen; the benchmark's baselines use the very same ones. */
public record Databases(int inventory, int payment, int coordinator, int saga) {

    public static Databases of(Stack stack) {
        return new Databases(stack.postgres(Stack.PG_INVENTORY).port(), stack.postgres(Stack.PG_PAYMENT).port(),
                stack.postgres(Stack.PG_COORDINATOR).port(), stack.postgres(Stack.PG_SAGA).port());
    }

    public static String url(int port, String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=pledge&connectTimeout=5&tcpKeepAlive=true";
    }

    public Connection inventoryConnection() throws SQLException {
        return DriverManager.getConnection(url(inventory, "inventory"));
    }

    public Connection paymentConnection() throws SQLException {
        return DriverManager.getConnection(url(payment, "payment"));
    }

    public Connection coordinatorConnection() throws SQLException {
        return DriverManager.getConnection(url(coordinator, "coordinator"));
    }

    public Connection sagaConnection() throws SQLException {
        return DriverManager.getConnection(url(saga, "saga"));
    }
}
