package dev.pledge.dashboard.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.dashboard.service.Timeline.Entry;
import dev.pledge.dashboard.service.Timeline.Type;

/**
 * Turns a coordinator's transaction view or an orchestrator's saga view into swimlane entries. Pure: no I/O,
 * so every mapping is tested on its own.
 */
public final class Timelines {
    static final String COORDINATOR = "coordinator";
    static final String ORCHESTRATOR = "orchestrator";
    static final String KAFKA = "kafka";
    private static final Set<String> FINAL_TX = Set.of("COMMITTED", "ABORTED", "MIXED");
    private static final Set<String> FINAL_SAGA = Set.of("COMPLETED", "COMPENSATED");
    private static final Pattern ENDS_IN_STATE = Pattern.compile(".*: state (COMMITTED|ABORTED|MIXED)$");
    /** A command that waited this long in the outbox (broker down) gets an entry of its own. */
    static final long OUTBOX_WAIT_SHOWN_MS = 1000;

    private Timelines() {
    }

    static boolean isFinalTransaction(String state) {
        return FINAL_TX.contains(state);
    }

    static boolean isFinalSaga(String status) {
        return FINAL_SAGA.contains(status);
    }

    /** A coordinator transaction view ({@code GET /transactions/{id}}) with the branches held prepared for it. */
    public static Timeline ofTransaction(JsonNode tx, List<Held> held) {
        Instant created = Instant.parse(tx.path("createdAt").asText());
        List<String> lanes = new ArrayList<>(List.of(COORDINATOR));
        tx.path("branches").forEach(b -> addLane(lanes, b.path("participant").asText()));
        held.forEach(h -> addLane(lanes, h.participant()));
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : tx.path("timeline")) {
            entries.add(transactionEntry(e));
        }
        entries.addAll(heldEntries(created, held));
        entries.sort(Comparator.comparingLong(Entry::atMs));
        String state = tx.path("state").asText();
        boolean ended = isFinalTransaction(state);
        Long duration = ended ? Duration.between(created, Instant.parse(tx.path("updatedAt").asText())).toMillis() : null;
        return new Timeline(Item.TRANSACTION, tx.path("id").asText(), tx.path("protocol").asText(), null, state,
                text(tx, "outcome"), ended, !ended && !held.isEmpty(), text(tx, "traceId"), null, created, duration, lanes,
                entries, held);
    }

    /**
     * A transaction the coordinator could not be asked about (it is down) but that participants hold prepared:
     * what the participants alone can tell.
     */
    public static Timeline ofHeldOnly(String id, List<Held> held, Instant now) {
        Instant created = held.stream().map(Held::preparedAt).min(Comparator.naturalOrder()).orElse(now);
        List<String> lanes = new ArrayList<>(List.of(COORDINATOR));
        held.forEach(h -> addLane(lanes, h.participant()));
        List<Entry> entries = new ArrayList<>();
        entries.addAll(heldEntries(created, held));
        entries.add(new Entry(Duration.between(created, now).toMillis(), COORDINATOR, null, Type.CRASH,
                "coordinator does not answer: the decision is unknown here", null, null));
        return new Timeline(Item.TRANSACTION, id, null, null, "PREPARED", null, false, true, null, null, created, null, lanes,
                entries, held);
    }

    /** Each held branch on its participant's lane, at the moment it prepared. */
    private static List<Entry> heldEntries(Instant created, List<Held> held) {
        return held.stream().map(h -> new Entry(Duration.between(created, h.preparedAt()).toMillis(), h.participant(),
                null, Type.LOG, "holds its branch prepared: " + describeLocks(h), null, h.gid())).toList();
    }

    private static Entry transactionEntry(JsonNode e) {
        long at = e.path("sinceStartMs").asLong();
        String kind = e.path("kind").asText();
        String participant = text(e, "participant");
        String message = e.path("message").asText();
        Long duration = e.hasNonNull("durationMs") ? e.get("durationMs").asLong() : null;
        switch (kind) {
            case "SEND":
                return new Entry(at, COORDINATOR, participant, Type.MESSAGE, withoutGid(message), null, message);
            case "RECEIVE":
                return new Entry(at, participant, COORDINATOR, Type.MESSAGE, message, duration, null);
            case "ERROR":
                String lower = message.toLowerCase(Locale.ROOT);
                Type type = lower.contains("timed out") || lower.contains("timeout") ? Type.TIMEOUT
                        : lower.contains("retries") || lower.contains("retry") ? Type.RETRY : Type.ERROR;
                return new Entry(at, participant == null ? COORDINATOR : participant, null, type, message, duration, null);
            default:
                if (message.startsWith("recovery after a restart")) {
                    return new Entry(at, COORDINATOR, null, Type.CRASH, "coordinator restarted; " + message, null, null);
                }
                return new Entry(at, COORDINATOR, null, ENDS_IN_STATE.matcher(message).matches() ? Type.STATE : Type.LOG,
                        message, null, null);
        }
    }

    /** "prepare 6f1c….inventory" reads better as "prepare": the gid is in the entry's detail. */
    private static String withoutGid(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    static String describeLocks(Held h) {
        List<String> parts = new ArrayList<>();
        h.locks().forEach(l -> parts.add(l.table() + " " + l.mode()));
        h.rows().forEach((table, keys) -> parts.add("rows " + table + " " + String.join(", ", keys)));
        return parts.isEmpty() ? "no table locks" : String.join("; ", parts);
    }

    /** An orchestrator saga view ({@code GET /sagas/{id}}). */
    public static Timeline ofSaga(JsonNode saga) {
        Instant created = Instant.parse(saga.path("createdAt").asText());
        List<String> lanes = new ArrayList<>(List.of(ORCHESTRATOR, KAFKA));
        saga.path("steps").forEach(s -> addLane(lanes, s.path("participant").asText()));
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : saga.path("timeline")) {
            sagaEntries(e, created, lanes, entries);
        }
        entries.sort(Comparator.comparingLong(Entry::atMs));
        String status = saga.path("status").asText();
        boolean ended = isFinalSaga(status);
        return new Timeline(Item.SAGA, saga.path("id").asText(), "SAGA", text(saga, "flow"), status,
                ended ? status : null, ended, false, text(saga, "traceId"), null, created,
                saga.hasNonNull("durationMs") ? saga.get("durationMs").asLong() : null, lanes, entries, List.of());
    }

    private static void sagaEntries(JsonNode e, Instant created, List<String> lanes, List<Entry> out) {
        Instant at = Instant.parse(e.path("at").asText());
        long atMs = Duration.between(created, at).toMillis();
        String kind = e.path("kind").asText();
        String participant = text(e, "participant");
        String detail = e.path("detail").asText("");
        String where = kafkaCoordinates(e);
        Instant published = e.hasNonNull("publishedAt") ? Instant.parse(e.get("publishedAt").asText()) : null;
        switch (kind) {
            case "COMMAND", "RETRY", "COMPENSATION" -> {
                Type type = kind.equals("COMMAND") ? Type.MESSAGE : kind.equals("RETRY") ? Type.RETRY : Type.COMPENSATION;
                String label = (e.hasNonNull("step") ? e.get("step").asText() + ": " : "") + detail
                        + (e.hasNonNull("attempt") && e.get("attempt").asInt() > 1 ? " (attempt " + e.get("attempt").asInt() + ")" : "");
                if (published == null) {
                    out.add(new Entry(atMs, ORCHESTRATOR, null, Type.LOG, label + ": in the outbox, not yet published",
                            null, null));
                    return;
                }
                long publishedMs = Duration.between(created, published).toMillis();
                boolean waited = publishedMs - atMs >= OUTBOX_WAIT_SHOWN_MS;
                if (waited) {
                    out.add(new Entry(atMs, ORCHESTRATOR, null, Type.LOG, label + ": written to the outbox", null, null));
                }
                out.add(new Entry(publishedMs, ORCHESTRATOR, KAFKA, type, label + " to " + where,
                        waited ? publishedMs - atMs : null, participant));
            }
            case "REPLY" -> {
                String from = participant != null && lanes.contains(participant) ? participant : KAFKA;
                if (published != null) {
                    out.add(new Entry(Duration.between(created, published).toMillis(), from, KAFKA, Type.MESSAGE,
                            "reply " + detail + " to " + where, null, null));
                }
                out.add(new Entry(atMs, KAFKA, ORCHESTRATOR, Type.MESSAGE, "reply taken in: " + detail,
                        published == null ? null : Math.max(0, Duration.between(published, at).toMillis()), where));
            }
            case "TIMEOUT" -> out.add(new Entry(atMs, ORCHESTRATOR, null, Type.TIMEOUT, detail, null, participant));
            case "EVENT" -> {
                String from = participant != null && lanes.contains(participant) ? participant : ORCHESTRATOR;
                out.add(new Entry(atMs, from, KAFKA, Type.MESSAGE, "event " + detail
                        + (where.isEmpty() ? "" : " on " + where), null, null));
            }
            case "STARTED" -> out.add(new Entry(atMs, ORCHESTRATOR, null, Type.LOG, "started: " + detail, null, null));
            default -> out.add(new Entry(atMs, ORCHESTRATOR, null, Type.STATE,
                    kind + (detail.isEmpty() ? "" : ": " + detail), null, null));
        }
    }

    private static String kafkaCoordinates(JsonNode e) {
        if (!e.hasNonNull("topic")) {
            return "";
        }
        return e.get("topic").asText() + (e.hasNonNull("partition") ? "[" + e.get("partition").asInt() + "]" : "")
                + (e.hasNonNull("offset") ? "@" + e.get("offset").asLong() : "");
    }

    private static void addLane(List<String> lanes, String lane) {
        if (lane != null && !lane.isBlank() && !lanes.contains(lane)) {
            lanes.add(lane);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
