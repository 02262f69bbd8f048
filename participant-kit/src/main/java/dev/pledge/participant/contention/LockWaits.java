package dev.pledge.participant.contention;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.pledge.common.contention.Priority;
import dev.pledge.participant.store.PreparedBranches;
import dev.pledge.participant.contention.WaitRule.Holder;
import dev.pledge.participant.contention.WaitRule.HolderKind;

/**
 * Reads, from {@code pg_locks}, which of the given prepares wait for a lock and what holds it. A row lock wait
 * shows there in one of two ways: the first waiter holds the row's tuple lock and waits for the holder's
 * transaction id (held by a running backend, or by a prepared transaction, which has no backend); later
 * waiters queue for the tuple lock behind it. Both are followed to the transaction that changed the row.
 */
final class LockWaits {
    /** A prepare seen waiting: the row ({@code table(key)}, or null if not a row) and what it waits behind. */
    record Seen(WatchedPrepare waiter, String row, List<Holder> holders) {
    }

    private record Waiting(int pid, String xid, String table, Integer page, Integer tuple, List<Integer> blockers) {
    }

    private final Map<String, Optional<String>> keys = new ConcurrentHashMap<>();

    List<Seen> read(Connection c, Collection<WatchedPrepare> waiters, Map<Integer, WatchedPrepare> prepares,
            Map<String, Priority> prepared) throws SQLException {
        List<Waiting> waiting = waiting(c, waiters.stream().map(r -> r.backend).toList());
        if (waiting.isEmpty()) {
            return List.of();
        }
        Set<Integer> pids = new HashSet<>();
        waiting.forEach(w -> pids.addAll(w.blockers()));
        pids.remove(0);
        Map<Integer, String> aheadXids = aheadXids(c, pids); // what each waiter ahead in a queue waits for
        Set<String> xids = new HashSet<>(aheadXids.values());
        waiting.stream().filter(w -> w.xid() != null).forEach(w -> xids.add(w.xid()));
        Map<String, Holder> byXid = holdersOf(c, xids, prepares, prepared);
        Map<Integer, Long> ages = transactionAges(c, pids);
        Map<Integer, WatchedPrepare> byBackend = new HashMap<>();
        waiters.forEach(r -> byBackend.put(r.backend, r));
        List<Seen> seen = new ArrayList<>();
        for (Waiting w : waiting) {
            Map<String, Holder> holders = new LinkedHashMap<>();
            if (w.xid() != null && byXid.containsKey(w.xid())) {
                Holder h = byXid.get(w.xid());
                holders.put(key(h), h);
            }
            for (int pid : w.blockers()) {
                if (pid == 0) {
                    continue; // a prepared transaction: found through the transaction id above or below
                }
                Holder ahead = backendHolder(pid, prepares, ages.getOrDefault(pid, 0L));
                holders.putIfAbsent(key(ahead), ahead);
                String xid = aheadXids.get(pid);
                if (xid != null && byXid.containsKey(xid)) {
                    Holder h = byXid.get(xid);
                    holders.putIfAbsent(key(h), h);
                }
            }
            seen.add(new Seen(byBackend.get(w.pid()), row(c, w), List.copyOf(holders.values())));
        }
        return seen;
    }

    /**
     * The backends of those prepares that wait for a lock now, from {@code pg_stat_activity} alone: a look far
     * cheaper than {@link #read}, which says that a prepare waits but not for what.
     */
    Set<Integer> waitingNow(Connection c, Collection<WatchedPrepare> prepares) throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE pid = ANY (?) AND wait_event_type = 'Lock'")) {
            ps.setArray(1, c.createArrayOf("int4", prepares.stream().map(r -> r.backend).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }

    /** The gids of the branches this database holds prepared. */
    Set<String> preparedGids(Connection c) throws SQLException {
        Set<String> gids = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
        }
        return gids;
    }

    /** How a holder is named in a vote's reason. */
    static String name(Holder h) {
        return h.gid() != null ? h.gid() : "a local transaction that is not a branch (backend " + h.backend() + ")";
    }

    private static String key(Holder h) {
        return h.gid() != null ? h.gid() : "backend:" + h.backend();
    }

    private static List<Waiting> waiting(Connection c, List<Integer> backends) throws SQLException {
        String sql = "SELECT w.pid, w.transactionid::text, coalesce(w.relation, t.relation)::regclass::text,"
                + " coalesce(w.page, t.page), coalesce(w.tuple, t.tuple), pg_blocking_pids(w.pid)"
                + " FROM pg_locks w LEFT JOIN pg_locks t ON t.pid = w.pid AND t.granted AND t.locktype = 'tuple'"
                + " WHERE NOT w.granted AND w.pid = ANY (?)";
        Map<Integer, Waiting> found = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int4", backends.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    found.putIfAbsent(pid, new Waiting(pid, rs.getString(2), rs.getString(3), (Integer) rs.getObject(4),
                            (Integer) rs.getObject(5), ints(rs.getArray(6))));
                }
            }
        }
        return List.copyOf(found.values());
    }

    private static Map<Integer, String> aheadXids(Connection c, Set<Integer> pids) throws SQLException {
        Map<Integer, String> xids = new HashMap<>();
        if (pids.isEmpty()) {
            return xids;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pid, transactionid::text FROM pg_locks"
                + " WHERE locktype = 'transactionid' AND NOT granted AND pid = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    xids.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        return xids;
    }

    /** The holder of each transaction id: a prepared branch, a prepare running here, or another session. */
    private static Map<String, Holder> holdersOf(Connection c, Set<String> xids, Map<Integer, WatchedPrepare> prepares,
            Map<String, Priority> prepared) throws SQLException {
        Map<String, Holder> holders = new HashMap<>();
        if (xids.isEmpty()) {
            return holders;
        }
        String sql = "SELECT x.xid, p.gid, (extract(epoch FROM now() - p.prepared) * 1000)::bigint, l.pid,"
                + " (extract(epoch FROM now() - a.xact_start) * 1000)::bigint"
                + " FROM unnest(?::text[]) AS x(xid)"
                + " LEFT JOIN pg_prepared_xacts p ON p.transaction::text = x.xid"
                + " LEFT JOIN pg_locks l ON l.locktype = 'transactionid' AND l.granted AND l.mode = 'ExclusiveLock'"
                + "  AND l.transactionid::text = x.xid AND l.pid IS NOT NULL"
                + " LEFT JOIN pg_stat_activity a ON a.pid = l.pid";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", xids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String gid = rs.getString(2);
                    if (gid != null) {
                        holders.put(rs.getString(1), new Holder(gid, HolderKind.PREPARED, prepared.get(gid), rs.getLong(3), null));
                    } else if (rs.getObject(4) != null) {
                        holders.put(rs.getString(1), backendHolder(rs.getInt(4), prepares, rs.getLong(5)));
                    }
                }
            }
        }
        return holders;
    }

    private static Holder backendHolder(int pid, Map<Integer, WatchedPrepare> prepares, long ageMs) {
        WatchedPrepare r = prepares.get(pid);
        return r == null ? new Holder(null, HolderKind.SESSION, null, ageMs, pid)
                : new Holder(r.gid, HolderKind.PREPARING, r.priority, r.runningMs(), pid);
    }

    private static Map<Integer, Long> transactionAges(Connection c, Set<Integer> pids) throws SQLException {
        Map<Integer, Long> ages = new HashMap<>();
        if (pids.isEmpty()) {
            return ages;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pid, (extract(epoch FROM now() - xact_start) * 1000)::bigint"
                + " FROM pg_stat_activity WHERE pid = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ages.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return ages;
    }

    /** The row waited for as {@code table(primary key)}, read by its ctid; null when the wait is not for a row. */
    private String row(Connection c, Waiting w) throws SQLException {
        if (w.table() == null || w.page() == null || w.tuple() == null) {
            return w.table();
        }
        Optional<String> key = keys.computeIfAbsent(w.table(), t -> primaryKey(c, t));
        String where = w.table() + " (" + w.page() + "," + w.tuple() + ")";
        if (key.isEmpty()) {
            return where;
        }
        // table and key come from the catalog (regclass text, quoted column names), never from a request
        try (PreparedStatement ps = c.prepareStatement("SELECT (" + key.get() + ")::text FROM " + w.table()
                + " WHERE ctid = ?::tid")) {
            ps.setString(1, "(" + w.page() + "," + w.tuple() + ")");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? w.table() + "(" + rs.getString(1) + ")" : where;
            }
        }
    }

    private static Optional<String> primaryKey(Connection c, String table) {
        try {
            return Optional.ofNullable(PreparedBranches.primaryKey(c, table));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static List<Integer> ints(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add(((Number) o).intValue());
        }
        return out;
    }
}
