package dev.pledge.system;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.chaos.check.Snapshot;
import dev.pledge.stack.Stack;

/**
 * An independent reading of the databases (never through the services): which branches committed, what
 * they moved, what is still prepared, and whether atomicity and conservation hold against the seeded
 * totals. Saga outcomes are judged by the campaigns' checker ({@link Checker}).
 */
final class Ledger {
    static final int SEED_STOCK = 181 + 10 * 100_000; // the catalogue and the ten load products
    static final BigDecimal SEED_MONEY = new BigDecimal("11290.00");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String inventoryUrl;
    private final String paymentUrl;
    private final String coordinatorUrl;
    private final String sagaUrl;
    private final Databases databases;

    Ledger(Stack stack) {
        this.databases = Databases.of(stack);
        this.inventoryUrl = databases.url(Db.INVENTORY);
        this.paymentUrl = databases.url(Db.PAYMENT);
        this.coordinatorUrl = databases.url(Db.COORDINATOR);
        this.sagaUrl = databases.url(Db.SAGA);
    }

    /** Transaction id -> decided state of its branch in one participant. */
    Map<String, String> branches(boolean inventory) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(inventory ? inventoryUrl : paymentUrl);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT gid, state FROM branches")) {
            while (rs.next()) {
                String gid = rs.getString(1);
                // a branch begun straight at the participant (the blocking experiment's probe) has no transaction
                if (gid.indexOf('.') > 0) {
                    out.put(gid.substring(0, gid.lastIndexOf('.')), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The branches one participant holds prepared. */
    List<String> preparedBranches(boolean inventory) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(inventory ? inventoryUrl : paymentUrl);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The 3PC branches of one participant held prepared and marked pre-committed. */
    List<String> precommitted(boolean inventory) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(inventory ? inventoryUrl : paymentUrl);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT b.gid FROM branch_3pc b"
                     + " JOIN pg_prepared_xacts p ON p.gid = b.gid WHERE b.precommitted_at IS NOT NULL")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    int prepared() throws SQLException {
        return count(inventoryUrl, "SELECT count(*) FROM pg_prepared_xacts") + count(paymentUrl, "SELECT count(*) FROM pg_prepared_xacts");
    }

    int unfinished() throws SQLException {
        return count(coordinatorUrl, "SELECT count(*) FROM transactions WHERE state NOT IN ('COMMITTED', 'ABORTED', 'MIXED')");
    }

    /** The fencing epochs the participants hold for a transaction's branches (none: 0), inventory's then payment's. */
    List<Integer> fences(String txId) throws SQLException {
        return List.of(count(inventoryUrl, "SELECT max(epoch) FROM branch_fences WHERE gid = '" + txId + ".inventory'"),
                count(paymentUrl, "SELECT max(epoch) FROM branch_fences WHERE gid = '" + txId + ".payment'"));
    }

    Set<String> coordinatorCommitted() throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(coordinatorUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id::text FROM transactions WHERE state = 'COMMITTED'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    int stock(String sku) throws SQLException {
        return count(inventoryUrl, "SELECT stock FROM products WHERE sku = '" + sku + "'");
    }

    /** Every broken invariant, described; empty when all hold. */
    List<String> violations() throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, String> inv = branches(true);
        Map<String, String> pay = branches(false);
        Set<String> invCommitted = committed(inv);
        Set<String> payCommitted = committed(pay);
        if (!invCommitted.equals(payCommitted)) {
            problems.add("atomicity: committed in inventory only " + minus(invCommitted, payCommitted)
                    + ", in payment only " + minus(payCommitted, invCommitted));
        }
        Set<String> coordinator = coordinatorCommitted();
        if (!coordinator.equals(invCommitted)) {
            problems.add("the coordinator's COMMITTED set " + coordinator + " differs from the participants' " + invCommitted);
        }
        int sold = sum(inventoryUrl, "qty").intValue();
        int reserved = count(inventoryUrl, "SELECT sum(qty) FROM reservations WHERE status IN ('RESERVED', 'CONFIRMED')");
        int stock = count(inventoryUrl, "SELECT sum(stock) FROM products");
        if (stock + sold + reserved != SEED_STOCK) {
            problems.add("conservation of stock: " + stock + " on hand + " + sold + " sold + " + reserved
                    + " held by sagas != " + SEED_STOCK);
        }
        BigDecimal charged = sum(paymentUrl, "amount");
        Snapshot snapshot = Snapshot.read(databases);
        BigDecimal sagaCharged = snapshot.sagaCharges().values().stream().map(Snapshot.Effect::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal money = decimal(paymentUrl, "SELECT sum(balance) FROM accounts");
        if (money.add(charged).add(sagaCharged).compareTo(SEED_MONEY) != 0) {
            problems.add("conservation of money: " + money + " + " + charged + " charged + " + sagaCharged
                    + " charged by sagas != " + SEED_MONEY);
        }
        problems.addAll(Checker.sagaOutcomes(snapshot));
        int prepared = prepared();
        if (prepared != 0) {
            problems.add(prepared + " prepared transactions remain");
        }
        return problems;
    }

    /** The id of the saga started last, if any. */
    String newestSaga() throws SQLException {
        try (Connection c = DriverManager.getConnection(sagaUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id::text FROM sagas ORDER BY created_at DESC LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The first command the orchestrator wrote for a saga with this verb, as it went to Kafka. */
    String sagaCommand(String saga, String verb) throws SQLException {
        try (Connection c = DriverManager.getConnection(sagaUrl); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT payload::text FROM saga_outbox WHERE saga_id = ?::uuid AND payload->>'action' = ? ORDER BY id LIMIT 1")) {
            ps.setString(1, saga);
            ps.setString(2, verb);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Sagas not yet COMPLETED or COMPENSATED. */
    int unfinishedSagas() throws SQLException {
        return count(sagaUrl, "SELECT count(*) FROM sagas WHERE state NOT IN ('COMPLETED', 'COMPENSATED')");
    }

    private static Set<String> committed(Map<String, String> branches) {
        Set<String> ids = new TreeSet<>();
        branches.forEach((id, state) -> {
            if ("COMMITTED".equals(state)) {
                ids.add(id);
            }
        });
        return ids;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** The sum of one field over the operations of committed branches. */
    private static BigDecimal sum(String url, String field) throws SQLException {
        BigDecimal total = BigDecimal.ZERO;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT operation::text FROM branches WHERE state = 'COMMITTED'")) {
            while (rs.next()) {
                JsonNode op = JSON.readTree(rs.getString(1));
                total = total.add(new BigDecimal(op.path(field).asText()));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return total;
    }

    private static int count(String url, String sql) throws SQLException {
        return decimal(url, sql).intValue();
    }

    private static BigDecimal decimal(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            BigDecimal v = rs.getBigDecimal(1);
            return v == null ? BigDecimal.ZERO : v;
        }
    }
}
