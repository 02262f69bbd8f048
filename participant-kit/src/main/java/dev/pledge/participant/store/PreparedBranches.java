package dev.pledge.participant.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The branches this participant holds prepared, and what each one holds: the table locks PostgreSQL keeps for
 * the prepared transaction and the rows it changed, named by their primary key. What an operator (or the
 * dashboard) looks at to see why other orders wait.
 */
@ApplicationScoped
public class PreparedBranches {
    /** Rows listed per table at most: a branch of Pledge's own changes one row per table. */
    static final int MAX_ROWS = 20;

    @Inject
    DataSource dataSource;

    public record Lock(String table, String mode) {
    }

    public record Held(String gid, Instant preparedAt, List<Lock> locks, Map<String, List<String>> rows) {
    }

    public List<Held> list() throws SQLException {
        String sql = "SELECT p.gid, p.prepared, p.transaction::text, l.relation::regclass::text, l.mode"
                + " FROM pg_prepared_xacts p"
                + " LEFT JOIN pg_locks x ON x.locktype = 'transactionid' AND x.transactionid = p.transaction"
                + "  AND x.pid IS NULL"
                + " LEFT JOIN pg_locks l ON l.virtualtransaction = x.virtualtransaction AND l.locktype = 'relation'"
                + "  AND l.relation IN (SELECT oid FROM pg_class WHERE relkind IN ('r', 'p'))"
                + " WHERE p.database = current_database() ORDER BY p.prepared, p.gid, 4, 5";
        Map<String, Held> held = new LinkedHashMap<>();
        Map<String, String> xids = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String gid = rs.getString(1);
                    Held h = held.computeIfAbsent(gid, g -> new Held(g, readInstant(rs), new ArrayList<>(),
                            new LinkedHashMap<>()));
                    xids.put(gid, rs.getString(3));
                    String table = rs.getString(4);
                    if (table != null && !table.startsWith("pg_")) {
                        h.locks().add(new Lock(table, rs.getString(5)));
                    }
                }
            }
            for (Held h : held.values()) {
                for (Lock lock : h.locks()) {
                    List<String> keys = changedRows(c, lock.table(), xids.get(h.gid()));
                    if (!keys.isEmpty()) {
                        h.rows().put(lock.table(), keys);
                    }
                }
            }
        }
        return List.copyOf(held.values());
    }

    private static Instant readInstant(ResultSet rs) {
        try {
            return rs.getTimestamp(2).toInstant();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The primary keys of the rows in {@code table} the prepared transaction changed (their old versions). */
    private static List<String> changedRows(Connection c, String table, String xid) throws SQLException {
        String key = primaryKey(c, table);
        if (key == null) {
            return List.of();
        }
        // table and key come from the catalog (regclass text and a quoted column list), not from a request
        String sql = "SELECT (" + key + ")::text FROM " + table + " WHERE xmax::text = ? LIMIT " + MAX_ROWS;
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, xid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    /** The primary key's columns of {@code table}, quoted and comma-separated, or null when it has none. */
    public static String primaryKey(Connection c, String table) throws SQLException {
        String sql = "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
                + " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
