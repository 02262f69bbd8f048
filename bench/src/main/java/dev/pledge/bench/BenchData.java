package dev.pledge.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;

/**
 * The rows the benchmark orders against, reset before each run: {@code skus} products with stock enough for
 * any run, and the accounts (one per client unless the clients share fewer), with balance enough for any run. The floors
 * keep their logs in a table of their own ({@code bench_floor_log}) in each database, never in the services'
 * tables, and prepared transactions an interrupted earlier run left behind are rolled back.
 */
public final class BenchData {
    static final String FLOOR_LOG = "bench_floor_log";
    private static final int STOCK = 10_000_000;
    private static final BigDecimal BALANCE = new BigDecimal("1000000000.00");
    /** pgjdbc names an XA branch formatId_gtrid_bqual; Narayana's format id is 131077. */
    private static final String NARAYANA_BRANCHES = "131077\\_%";

    private BenchData() {
    }

    public static String sku(int i) {
        return String.format("LOAD-BENCH-%03d", i + 1);
    }

    public static String account(int client) {
        return String.format("acc-bench-%03d", client + 1);
    }

    /** Products and accounts at full stock and balance, floor logs empty, nothing left prepared. */
    public static void reset(Databases dbs, int skus, int accounts) throws SQLException {
        try (Connection c = dbs.connect(Db.INVENTORY)) {
            rollBackLeftovers(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO products (sku, name, stock) VALUES (?, ?, ?)"
                    + " ON CONFLICT (sku) DO UPDATE SET stock = EXCLUDED.stock")) {
                for (int i = 0; i < skus; i++) {
                    ps.setString(1, sku(i));
                    ps.setString(2, "Benchmark product " + (i + 1));
                    ps.setInt(3, STOCK);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            floorLog(c);
        }
        try (Connection c = dbs.connect(Db.PAYMENT)) {
            rollBackLeftovers(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET balance = EXCLUDED.balance")) {
                for (int i = 0; i < accounts; i++) {
                    ps.setString(1, account(i));
                    ps.setString(2, "Benchmark client " + (i + 1));
                    ps.setBigDecimal(3, BALANCE);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            floorLog(c);
        }
        for (Db db : List.of(Db.COORDINATOR, Db.SAGA)) {
            try (Connection c = dbs.connect(db)) {
                floorLog(c);
            }
        }
    }

    /** The floors' logs go; the bench products and accounts stay for the next run to reset. */
    public static void dropFloorLogs(Databases dbs) throws SQLException {
        for (Db db : Db.values()) {
            try (Connection c = dbs.connect(db); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + FLOOR_LOG);
            }
        }
    }

    private static void floorLog(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + FLOOR_LOG + " (gid varchar(64) NOT NULL, what varchar(16) NOT NULL,"
                    + " at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (gid, what))");
            s.execute("TRUNCATE " + FLOOR_LOG);
        }
    }

    private static void rollBackLeftovers(Connection c) throws SQLException {
        List<String> gids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()"
                + " AND (gid LIKE 'bench-%' OR gid LIKE ?)")) {
            ps.setString(1, NARAYANA_BRANCHES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String gid : gids) {
                s.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            }
        }
    }
}
