package dev.pledge.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** Follows a saga on the orchestrator until it ends, printing each new timeline line as it appears. */
final class SagaFollower {
    private static final Duration POLL = Duration.ofMillis(100);

    private final String orchestratorUrl;
    private final PrintStream out;

    SagaFollower(String orchestratorUrl, PrintStream out) {
        this.orchestratorUrl = orchestratorUrl;
        this.out = out;
    }

    /** The saga as last seen: final, or still running when {@code patience} ran out. */
    JsonNode follow(UUID id, Duration patience, boolean print) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        int shown = 0;
        JsonNode last = null;
        boolean away = false;
        while (true) {
            JsonNode saga;
            try {
                saga = Api.get(orchestratorUrl + "/sagas/" + id);
            } catch (IllegalStateException e) {
                // the orchestrator crashed or restarts: its log has the saga, keep asking
                if (!away && print) {
                    out.println("  (the orchestrator is not answering; waiting for it: " + e.getMessage() + ")");
                }
                away = true;
                if (System.nanoTime() > deadline) {
                    if (last == null) {
                        throw e;
                    }
                    return last;
                }
                Thread.sleep(POLL.toMillis());
                continue;
            }
            if (away && print) {
                out.println("  (the orchestrator answers again)");
            }
            away = false;
            last = saga;
            JsonNode timeline = saga.path("timeline");
            for (; print && shown < timeline.size(); shown++) {
                JsonNode e = timeline.get(shown);
                boolean sent = List.of("COMMAND", "RETRY", "COMPENSATION").contains(e.path("kind").asText());
                if (sent && !e.hasNonNull("topic") && !isFinal(saga)) {
                    break; // a command not yet in Kafka: show it once its coordinates are known
                }
                out.println("  " + line(e));
            }
            if (isFinal(saga) || System.nanoTime() > deadline) {
                return saga;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static boolean isFinal(JsonNode saga) {
        String status = saga.path("status").asText();
        return "COMPLETED".equals(status) || "COMPENSATED".equals(status);
    }

    /** One timeline entry: time, kind, step and attempt, what happened, and where the message sat in Kafka. */
    static String line(JsonNode e) {
        StringBuilder s = new StringBuilder();
        s.append(e.path("at").asText().replaceFirst(".*T", "").replaceFirst("(\\.\\d{3})\\d*Z$", "$1"));
        s.append(String.format("  %-13s", e.path("kind").asText()));
        if (e.hasNonNull("step")) {
            s.append(String.format("%-15s", e.path("step").asText()
                    + (e.path("attempt").asInt(1) > 1 ? " #" + e.path("attempt").asInt() : "")));
        }
        if (e.hasNonNull("detail")) {
            s.append(' ').append(e.path("detail").asText());
        }
        if (e.hasNonNull("topic")) {
            s.append("  [").append(e.path("topic").asText()).append('-').append(e.path("partition").asInt())
                    .append('@').append(e.path("offset").asLong()).append(']');
        }
        return s.toString();
    }
}
