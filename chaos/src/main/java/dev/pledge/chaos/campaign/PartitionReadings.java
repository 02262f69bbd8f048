package dev.pledge.chaos.campaign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.stack.Sleeper;

/** What the partitions campaign reads directly from the databases while it cuts and heals. */
final class PartitionReadings {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private PartitionReadings() {
    }

    static Set<String> transactionIds(Databases db) throws SQLException {
        Set<String> ids = new HashSet<>();
        db.rows(Db.COORDINATOR, "SELECT id::text FROM transactions").forEach(r -> ids.add(r[0]));
        return ids;
    }

    /** The id of a transaction not in {@code earlier} once the log shows it in {@code state}; null after the patience. */
    static String awaitDecided(Databases db, Set<String> earlier, String state, Duration patience) throws SQLException {
        long end = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < end) {
            for (String[] row : db.rows(Db.COORDINATOR, "SELECT id::text FROM transactions WHERE state = '" + state + "'")) {
                if (!earlier.contains(row[0])) {
                    return row[0];
                }
            }
            Sleeper.pause(POLL);
        }
        return null;
    }

    /** A branch's state in its participant's database: PREPARED while PostgreSQL holds it, else its row's state. */
    static String branchState(Databases db, Db participant, String gid) throws SQLException {
        String quoted = "'" + checked(gid) + "'";
        List<String[]> rows = db.rows(participant, "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_prepared_xacts WHERE gid = "
                + quoted + " AND database = current_database()) THEN 'PREPARED'"
                + " ELSE coalesce((SELECT state FROM branches WHERE gid = " + quoted + "), 'WORKING') END");
        return rows.get(0)[0];
    }

    /** Waits until both of a transaction's branches are COMMITTED or ABORTED, or the patience runs out. */
    static void awaitBranchesFinal(Databases db, String id, Duration patience) throws SQLException {
        long end = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < end) {
            if (isFinal(branchState(db, Db.INVENTORY, id + ".inventory")) && isFinal(branchState(db, Db.PAYMENT, id + ".payment"))) {
                return;
            }
            Sleeper.pause(POLL);
        }
    }

    static int preparedIn(Databases db, Db participant) throws SQLException {
        return db.number(participant, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()").intValue();
    }

    static String loggedState(Databases db, String id) throws SQLException {
        List<String[]> rows = db.rows(Db.COORDINATOR, "SELECT state FROM transactions WHERE id = '" + UUID.fromString(id) + "'");
        return rows.isEmpty() ? "missing" : rows.get(0)[0];
    }

    private static boolean isFinal(String state) {
        return state.equals("COMMITTED") || state.equals("ABORTED");
    }

    /** A branch gid is a transaction id and a participant name: nothing that needs quoting. */
    private static String checked(String gid) {
        if (!gid.matches("[0-9a-f-]{36}\\.[a-z]+")) {
            throw new IllegalArgumentException("not a branch gid: " + gid);
        }
        return gid;
    }

    /**
     * Whether the coordinator trusts a participant again (its failure detector does not suspect it), waiting up to
     * the patience: a participant just restarted elsewhere is suspected until its heartbeats are answered, and the
     * coordinator refuses to ask a suspected participant for its vote.
     */
    static boolean awaitTrusted(String coordinatorUrl, String participant, Duration patience) {
        long end = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < end) {
            try {
                HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(coordinatorUrl + "/participants"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode p : JSON.readTree(resp.body())) {
                    if (p.path("name").asText().equals(participant) && p.path("phi").isNumber()
                            && !p.path("suspected").asBoolean()) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // the coordinator does not answer yet: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            Sleeper.pause(Duration.ofMillis(200));
        }
        return false;
    }
}
