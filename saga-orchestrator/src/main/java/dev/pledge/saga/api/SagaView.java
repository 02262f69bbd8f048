package dev.pledge.saga.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.pledge.common.tracing.Traces;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.StepDefinition;
import dev.pledge.saga.protocol.StepState;
import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.TimelineEntry;

/**
 * A saga as the API shows it: status, each step's phase, and (for one saga) the timeline. A saga that keeps
 * failing to finish (a command sent many times) is flagged {@code needsAttention}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SagaView(UUID id, String kind, String flow, String status, String reason, boolean needsAttention,
                       @JsonRawValue String order, Instant createdAt, Instant updatedAt, Instant finishedAt,
                       Long durationMs, String traceId, List<StepView> steps, List<TimelineView> timeline) {

    public record StepView(String name, String participant, String phase, int attempt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TimelineView(Instant at, String step, String kind, Integer attempt, String participant, String detail,
                               String topic, Integer partition, Long offset, Instant publishedAt) {
        static TimelineView of(TimelineEntry e) {
            return new TimelineView(e.at(), e.step(), e.kind(), e.attempt(), e.participant(), e.detail(), e.topic(),
                    e.partition(), e.offset(), e.publishedAt());
        }
    }

    static SagaView of(SagaRow s, SagaDefinition definition, int attentionAfter, List<TimelineEntry> timeline) {
        List<StepView> steps = new ArrayList<>();
        for (int i = 0; i < s.state().steps().size() && i < definition.size(); i++) {
            StepDefinition def = definition.step(i);
            StepState st = s.state().step(i);
            steps.add(new StepView(def.name(), def.participant(), st.phase().name(), st.attempt()));
        }
        Long duration = s.finishedAt() == null ? null : Duration.between(s.createdAt(), s.finishedAt()).toMillis();
        return new SagaView(s.id(), s.kind(), s.flow().label(), s.state().status().name(), s.state().reason(),
                !s.state().status().isFinal() && s.state().maxAttempt() >= attentionAfter, s.payload(), s.createdAt(),
                s.updatedAt(), s.finishedAt(), duration, Traces.traceId(s.traceparent()), steps,
                timeline == null ? null : timeline.stream().map(TimelineView::of).toList());
    }
}
