package dev.pledge.dashboard.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the swimlane diagram draws for one transaction or saga: its lanes (one per process or broker) and its
 * entries in time order. {@code traceId} is the OpenTelemetry trace of the order, and {@code traceUrl} where
 * a trace viewer shows it, when one is configured.
 */
public record Timeline(String kind, String id, String protocol, String flow, String state, String outcome,
                       @JsonProperty("final") boolean isFinal, boolean inDoubt, String traceId, String traceUrl,
                       Instant createdAt, Long durationMs, List<String> lanes, List<Entry> entries, List<Held> held) {

    /** The same timeline, its trace linked through a viewer's URL template with {@code {traceId}} in it. */
    public Timeline linked(Optional<String> template) {
        if (traceId == null || template.isEmpty()) {
            return this;
        }
        String url = template.get().replace("{traceId}", traceId);
        return new Timeline(kind, id, protocol, flow, state, outcome, isFinal, inDoubt, traceId, url, createdAt,
                durationMs, lanes, entries, held);
    }

    /** Entry types, as the page draws them. */
    public enum Type {
        MESSAGE, LOG, TIMEOUT, RETRY, COMPENSATION, CRASH, ERROR, STATE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One thing that happened.
     *
     * @param atMs       since the transaction or saga began
     * @param lane       where it happened, or where a message left from
     * @param to         where a message arrived; null for everything else
     * @param durationMs for a reply, how long the round trip or the broker transit took
     */
    public record Entry(long atMs, String lane, String to, Type type, String label, Long durationMs, String detail) {
    }
}
