package dev.pledge.chaos.input;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;

/**
 * What every table of the four databases holds, as a row count and a digest of the rows per table, plus
 * the prepared transactions: two fingerprints differ exactly when some row was written, changed or removed.
 */
public record Fingerprint(Map<String, String> tables) {
    /**
     * Tables a service rewrites on its own every second whatever it is asked: digested without the columns that
     * tick (a coordinator replica's lease expiry), so that only a change a request made shows.
     */
    private static final Map<String, String> LIVENESS_ONLY = Map.of(
            "coordinator_leases", "node_id, incarnation, url, acquired_at");

    public static Fingerprint of(Databases db) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Db d : Db.values()) {
            List<String[]> names = db.rows(d, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    + " AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' ORDER BY table_name");
            for (String[] n : names) {
                String table = n[0];
                String[] row = db.rows(d, "SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '-')"
                        + " FROM (SELECT " + LIVENESS_ONLY.getOrDefault(table, "*") + " FROM \"" + table + "\") t").get(0);
                out.put(d.name().toLowerCase() + "." + table, row[0]);
            }
            out.put(d.name().toLowerCase() + ".pg_prepared_xacts", db.rows(d,
                    "SELECT count(*) || ' prepared' FROM pg_prepared_xacts WHERE database = current_database()").get(0)[0]);
        }
        return new Fingerprint(Map.copyOf(out));
    }

    /** The tables whose content differs, e.g. {@code coordinator.transactions: 10 rows a1b2.. -> 11 rows c3d4..}. */
    public List<String> changesSince(Fingerprint before) {
        List<String> changed = new ArrayList<>();
        before.tables.keySet().stream().sorted().forEach(t -> {
            if (!Objects.equals(before.tables.get(t), tables.get(t))) {
                changed.add(t + ": " + before.tables.get(t) + " -> " + tables.get(t));
            }
        });
        tables.keySet().stream().filter(t -> !before.tables.containsKey(t)).sorted().forEach(t -> changed.add(t + ": new table"));
        return changed;
    }
}
