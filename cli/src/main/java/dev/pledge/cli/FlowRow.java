package dev.pledge.cli;

import java.util.List;
import java.util.Map;

/**
 * One line of the flow comparison: how one flow (or 2PC/3PC, for reference) did on the same orders.
 *
 * @param steps            forward actions the participants ran (applied or refused)
 * @param compensations    compensations that undid an effect
 * @param compensationsSkipped compensations with nothing to undo
 * @param kafkaMessages    commands, replies and events that crossed Kafka (null for 2PC/3PC, which use HTTP)
 * @param inconsistentP50Ms / inconsistentMaxMs how long one order's stock and money disagreed (stock taken
 *                         and money not, or the other way round)
 */
record FlowRow(String flow, int orders, Map<String, Integer> outcomes, int steps, int compensations,
               int compensationsSkipped, Integer kafkaMessages, long latencyP50Ms, long latencyP99Ms, long latencyMaxMs,
               long inconsistentP50Ms, long inconsistentMaxMs, boolean invariantsHold, List<String> problems,
               long wallMs) {

    FlowRow withWallMs(long wall) {
        return new FlowRow(flow, orders, outcomes, steps, compensations, compensationsSkipped, kafkaMessages, latencyP50Ms,
                latencyP99Ms, latencyMaxMs, inconsistentP50Ms, inconsistentMaxMs, invariantsHold, problems, wall);
    }

    String outcomeText() {
        StringBuilder s = new StringBuilder();
        outcomes.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v).append(' ').append(k.toLowerCase()));
        return s.toString();
    }
}
