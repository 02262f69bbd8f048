package dev.pledge.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.pledge.stack.Stack;

/**
 * Reads the databases directly (not through the services, which may be down): prepared transactions and
 * the locks they hold on each participant, unfinished transactions in the coordinator's log.
 */
final class Inspector {
    private Inspector() {
    }

    /** A participant's database and the table whose rows its branches lock. */
    record Participant(String name, String server, String database, String table, String key) {
    }

    static final List<Participant> PARTICIPANTS = List.of(
            new Participant("inventory", Stack.PG_INVENTORY, "inventory", "products", "sku"),
            new Participant("payment", Stack.PG_PAYMENT, "payment", "accounts", "id"));

    record PreparedBranch(String participant, String gid, long ageMs, String locks, String rows) {
    }

    record Unfinished(String id, String protocol, String state, long ageMs) {
    }

    /** A transaction its participants ended differently: the logged decision and where each branch ended. */
    record Mixed(String id, String protocol, String decision, String branches) {
    }

    static List<PreparedBranch> prepared(Stack stack) throws SQLException {
        List<PreparedBranch> all = new ArrayList<>();
        for (Participant p : PARTICIPANTS) {
            all.addAll(prepared(stack, p));
        }
        return all;
    }

    static List<PreparedBranch> prepared(Stack stack, Participant p) throws SQLException {
        String sql = "SELECT p.gid, (extract(epoch FROM now() - p.prepared) * 1000)::bigint,"
                + " (SELECT string_agg(DISTINCT l.relation::regclass::text || ' ' || l.mode, ', ')"
                + "    FROM pg_locks x JOIN pg_locks l ON l.virtualtransaction = x.virtualtransaction"
                + "     AND l.locktype = 'relation'"
                + "   WHERE x.locktype = 'transactionid' AND x.transactionid::text = p.transaction::text"
                + "     AND x.pid IS NULL),"
                + " (SELECT string_agg(" + p.key() + ", ',') FROM " + p.table()
                + "   WHERE xmax::text = p.transaction::text)"
                + " FROM pg_prepared_xacts p WHERE p.database = current_database() ORDER BY p.prepared";
        List<PreparedBranch> rows = new ArrayList<>();
        try (Connection c = stack.postgres(p.server()).connect(p.database());
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new PreparedBranch(p.name(), rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
            }
        }
        return rows;
    }

    static List<Unfinished> unfinished(Stack stack) throws SQLException {
        String sql = "SELECT id::text, protocol, state, (extract(epoch FROM now() - created_at) * 1000)::bigint"
                + " FROM transactions WHERE state NOT IN ('COMMITTED', 'ABORTED', 'MIXED') ORDER BY created_at";
        List<Unfinished> rows = new ArrayList<>();
        try (Connection c = stack.postgres(Stack.PG_COORDINATOR).connect("coordinator");
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Unfinished(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        }
        return rows;
    }

    /** Transactions that ended MIXED (a participant decided the other way on its own), newest first. */
    static List<Mixed> mixed(Stack stack) throws SQLException {
        String sql = "SELECT t.id::text, t.protocol, t.decision,"
                + " string_agg(b.participant || ' ' || b.state, ', ' ORDER BY b.position)"
                + " FROM transactions t JOIN branches b ON b.tx_id = t.id WHERE t.state = 'MIXED'"
                + " GROUP BY t.id, t.protocol, t.decision, t.updated_at ORDER BY t.updated_at DESC";
        List<Mixed> rows = new ArrayList<>();
        try (Connection c = stack.postgres(Stack.PG_COORDINATOR).connect("coordinator");
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Mixed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return rows;
    }

    /** The decided state of a branch in a participant's database: COMMITTED, ABORTED, PREPARED or WORKING. */
    static String branchState(Stack stack, Participant p, String gid) throws SQLException {
        try (Connection c = stack.postgres(p.server()).connect(p.database())) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_prepared_xacts WHERE gid = ?")) {
                ps.setString(1, gid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return "PREPARED";
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM branches WHERE gid = ?")) {
                ps.setString(1, gid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : "WORKING";
                }
            }
        }
    }
}
