package dev.pledge.cli;

import java.io.PrintStream;

import com.fasterxml.jackson.databind.JsonNode;

/** Human output for a transaction: its outcome, its branches and its timeline. */
final class Timeline {
    private Timeline() {
    }

    static void printOutcome(JsonNode tx, PrintStream out) {
        String outcome = tx.path("outcome").asText();
        long total = 0;
        for (JsonNode e : tx.path("timeline")) {
            total = Math.max(total, e.path("sinceStartMs").asLong());
        }
        out.printf("%s %s  ->  %s in %d ms%s%n", tx.path("protocol").asText(), tx.path("id").asText(), outcome, total,
                tx.hasNonNull("reason") ? "  (" + tx.get("reason").asText() + ")" : "");
    }

    static void printBranches(JsonNode tx, PrintStream out) {
        for (JsonNode b : tx.path("branches")) {
            out.printf("  %-10s vote %-4s branch %-10s %s%n", b.path("participant").asText(),
                    b.path("vote").asText("-"), b.path("state").asText(), b.path("operation").toString());
        }
    }

    /** The order's OpenTelemetry trace id, to find it in a trace viewer; nothing when it has none. */
    static void printTrace(JsonNode tx, PrintStream out) {
        if (tx.hasNonNull("traceId")) {
            out.printf("  trace %s%n", tx.get("traceId").asText());
        }
    }

    static void printTimeline(JsonNode tx, PrintStream out) {
        for (JsonNode e : tx.path("timeline")) {
            out.printf("  +%4d ms  %-7s %-10s %s%s%n", e.path("sinceStartMs").asLong(), e.path("kind").asText(),
                    e.path("participant").asText(""), e.path("message").asText(),
                    e.hasNonNull("durationMs") ? " (" + e.get("durationMs").asLong() + " ms)" : "");
        }
    }
}
