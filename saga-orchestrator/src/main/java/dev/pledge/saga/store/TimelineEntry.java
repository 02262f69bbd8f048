package dev.pledge.saga.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One line of a saga's timeline: a command sent, a reply or event received, a retry, a timeout, a
 * compensation, the end. Messages carry their Kafka topic, partition and offset.
 */
public record TimelineEntry(Long id, UUID sagaId, Instant at, String step, String kind, Integer attempt,
                            String participant, String detail, String topic, Integer partition, Long offset,
                            Instant publishedAt) {

    public static TimelineEntry of(UUID sagaId, Instant at, String step, String kind, Integer attempt, String participant,
                                   String detail) {
        return new TimelineEntry(null, sagaId, at, step, kind, attempt, participant, detail, null, null, null, null);
    }

    /** The entry for a received record, with its coordinates and the time its producer sent it. */
    public TimelineEntry received(String topic, int partition, long offset, Instant sentAt) {
        return new TimelineEntry(id, sagaId, at, step, kind, attempt, participant, detail, topic, partition, offset, sentAt);
    }
}
