package dev.pledge.chaos.contention;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The wait-for graph across participants: each participant reports which of its prepares wait for a row and what
 * holds it ({@code GET /admin/lock-waits}); joined by global transaction (a branch's gid is its transaction's id,
 * a dot, and the participant), the edges show a cycle that no single database can see: a distributed deadlock.
 */
public final class WaitForGraph {
    /** Cycles reported at most: each is also a list of transactions, and a deadlock needs only one to be seen. */
    public static final int MAX_CYCLES = 20;

    /**
     * One wait: at {@code participant}, transaction {@code waiter}'s prepare has waited {@code waitingMs} for
     * {@code row}, which {@code holder} holds ({@code holderKind} PREPARED, PREPARING or SESSION).
     */
    public record Edge(String participant, String waiter, String waiterGid, long waitingMs, String policy, String row,
                String holder, String holderGid, String holderKind, long heldMs) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private WaitForGraph() {
    }

    /** The edges in each participant's report of its waits. */
    public static List<Edge> edges(Map<String, JsonNode> waitsByParticipant) {
        List<Edge> edges = new ArrayList<>();
        waitsByParticipant.forEach((participant, waits) -> {
            for (JsonNode w : waits) {
                String waiterGid = w.path("gid").asText();
                for (JsonNode h : w.path("holders")) {
                    String holderGid = h.hasNonNull("gid") ? h.get("gid").asText() : null;
                    String holder = holderGid != null ? transaction(holderGid)
                            : "session (backend " + h.path("backend").asText("?") + ")";
                    edges.add(new Edge(participant, transaction(waiterGid), waiterGid, w.path("waitingMs").asLong(),
                            w.path("policy").asText(null), w.path("row").asText(null), holder, holderGid,
                            h.path("kind").asText(), h.path("heldMs").asLong()));
                }
            }
        });
        return edges;
    }

    /** The global transaction a branch belongs to: its gid up to the last dot. */
    public static String transaction(String gid) {
        int dot = gid.lastIndexOf('.');
        return dot > 0 ? gid.substring(0, dot) : gid;
    }

    /**
     * Every elementary cycle of waits between transactions (up to {@link #MAX_CYCLES}), each starting at its
     * smallest transaction id, so that one cycle is reported once.
     */
    public static List<List<String>> cycles(List<Edge> edges) {
        Map<String, Set<String>> next = new TreeMap<>();
        for (Edge e : edges) {
            if (e.holderGid() != null) {
                next.computeIfAbsent(e.waiter(), k -> new TreeSet<>()).add(e.holder());
            }
        }
        List<List<String>> found = new ArrayList<>();
        for (String start : next.keySet()) {
            walk(start, start, next, new ArrayList<>(List.of(start)), new HashSet<>(Set.of(start)), found);
            if (found.size() >= MAX_CYCLES) {
                break;
            }
        }
        return found;
    }

    private static void walk(String start, String at, Map<String, Set<String>> next, List<String> path, Set<String> onPath,
            List<List<String>> found) {
        for (String to : next.getOrDefault(at, Set.of())) {
            if (found.size() >= MAX_CYCLES) {
                return;
            }
            if (to.equals(start)) {
                found.add(List.copyOf(path));
            } else if (to.compareTo(start) > 0 && !onPath.contains(to)) {
                path.add(to);
                onPath.add(to);
                walk(start, to, next, path, onPath, found);
                path.remove(path.size() - 1);
                onPath.remove(to);
            }
        }
    }

    /** Each participant's waits, read from its API; a participant that cannot be asked is left out (and named). */
    public static Map<String, JsonNode> read(Map<String, String> participantUrls, List<String> unreachable) {
        Map<String, JsonNode> waits = new LinkedHashMap<>();
        participantUrls.forEach((name, url) -> {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/admin/lock-waits"))
                        .timeout(Duration.ofSeconds(3)).header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    unreachable.add(name + " (HTTP " + r.statusCode() + ")");
                } else {
                    waits.put(name, JSON.readTree(r.body()));
                }
            } catch (IOException e) {
                unreachable.add(name + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable.add(name + " (interrupted)");
            }
        });
        return waits;
    }
}
