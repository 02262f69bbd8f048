package dev.pledge.chaos.check;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.check.Databases.Db;

/**
 * Everything the checker reads in one pass: stock and balances, what each participant committed for
 * two- and three-phase transactions, what sagas hold, the coordinator's and the orchestrator's view.
 */
public record Snapshot(
        Map<String, Integer> stock,
        Map<String, BigDecimal> balances,
        /* transaction id -> sku and qty (inventory) */
        Map<String, Effect> inventoryCommitted,
        /* transaction id -> account and amount (payment) */
        Map<String, Effect> paymentCommitted,
        /* saga id -> reservation status, sku and qty */
        Map<String, Reservation> reservations,
        /* saga id -> account and amount charged and not refunded */
        Map<String, Effect> sagaCharges,
        /* transaction id -> coordinator state */
        Map<String, String> coordinator,
        /* saga id -> orchestrator status */
        Map<String, String> sagas,
        /* transaction ids with a branch ABORTED in either participant */
        Set<String> abortedBranches,
        int prepared) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One effect: an item (sku or account) and how much of it (units or money). */
    public record Effect(String item, BigDecimal amount) {
    }

    public record Reservation(String status, String sku, int qty) {
        public boolean held() {
            return status.equals("RESERVED") || status.equals("CONFIRMED");
        }
    }

    /**
     * Reads the four databases one after the other. The coordinator's and the orchestrator's states are
     * read first: an outcome is recorded there only after its effects are committed in the participants,
     * so every transaction or saga seen ended has all its effects in the readings that follow.
     */
    public static Snapshot read(Databases db) throws SQLException {
        Map<String, String> coordinator = new HashMap<>();
        for (String[] r : db.rows(Db.COORDINATOR, "SELECT id::text, state FROM transactions")) {
            coordinator.put(r[0], r[1]);
        }
        Map<String, String> sagas = new HashMap<>();
        for (String[] r : db.rows(Db.SAGA, "SELECT id::text, state FROM sagas")) {
            sagas.put(r[0], r[1]);
        }
        Map<String, Integer> stock = new HashMap<>();
        for (String[] r : db.rows(Db.INVENTORY, "SELECT sku, stock FROM products")) {
            stock.put(r[0], Integer.parseInt(r[1]));
        }
        Map<String, BigDecimal> balances = new HashMap<>();
        for (String[] r : db.rows(Db.PAYMENT, "SELECT id, balance FROM accounts")) {
            balances.put(r[0], new BigDecimal(r[1]));
        }
        Map<String, Effect> inv = committed(db, Db.INVENTORY, "sku", "qty");
        Map<String, Effect> pay = committed(db, Db.PAYMENT, "account", "amount");
        Map<String, Reservation> reservations = new HashMap<>();
        for (String[] r : db.rows(Db.INVENTORY, "SELECT saga_id::text, status, sku, qty FROM reservations")) {
            reservations.put(r[0], new Reservation(r[1], r[2], Integer.parseInt(r[3])));
        }
        Map<String, Effect> charges = new HashMap<>();
        for (String[] r : db.rows(Db.PAYMENT, "SELECT a.saga_id::text, a.operation::text FROM saga_inbox a"
                + " WHERE a.kind = 'ACTION' AND a.outcome = 'DONE' AND NOT EXISTS (SELECT 1 FROM saga_inbox c"
                + " WHERE c.saga_id = a.saga_id AND c.step = a.step AND c.kind = 'COMPENSATION' AND c.outcome = 'DONE')")) {
            JsonNode op = parse(r[1]);
            charges.merge(r[0], new Effect(op.path("account").asText(), new BigDecimal(op.path("amount").asText())),
                    (a, b) -> new Effect(a.item(), a.amount().add(b.amount())));
        }
        Set<String> aborted = new HashSet<>();
        for (Db participant : new Db[] {Db.INVENTORY, Db.PAYMENT}) {
            for (String[] r : db.rows(participant, "SELECT gid FROM branches WHERE state = 'ABORTED'")) {
                aborted.add(transactionOf(r[0]));
            }
        }
        int prepared = db.number(Db.INVENTORY, "SELECT count(*) FROM pg_prepared_xacts").intValue()
                + db.number(Db.PAYMENT, "SELECT count(*) FROM pg_prepared_xacts").intValue();
        return new Snapshot(stock, balances, inv, pay, reservations, charges, coordinator, sagas, aborted, prepared);
    }

    /** Whether a coordinator log state is final: committed, aborted, or mixed (a participant ended it the other way). */
    static boolean isFinalTx(String state) {
        return "COMMITTED".equals(state) || "ABORTED".equals(state) || "MIXED".equals(state);
    }

    /** Ids of transactions the coordinator has not finished and of sagas not at their end. */
    public Set<String> unfinished() {
        Set<String> out = new HashSet<>();
        coordinator.forEach((id, state) -> {
            if (!isFinalTx(state)) {
                out.add(id);
            }
        });
        sagas.forEach((id, state) -> {
            if (!state.equals("COMPLETED") && !state.equals("COMPENSATED")) {
                out.add(id);
            }
        });
        return out;
    }

    private static Map<String, Effect> committed(Databases db, Db which, String item, String amount) throws SQLException {
        Map<String, Effect> out = new HashMap<>();
        for (String[] r : db.rows(which, "SELECT gid, operation::text FROM branches WHERE state = 'COMMITTED'")) {
            JsonNode op = parse(r[1]);
            out.put(transactionOf(r[0]),
                    new Effect(op.path(item).asText(), new BigDecimal(op.path(amount).asText())));
        }
        return out;
    }

    /** A branch's global transaction id is "transaction.participant". */
    private static String transactionOf(String gid) {
        int dot = gid.lastIndexOf('.');
        return dot < 0 ? gid : gid.substring(0, dot);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an operation in the database is not JSON: " + json, e);
        }
    }
}
