package dev.pledge.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.pledge.common.tracing.Traces;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes one record through an emitter, to the given topic with the given key, and waits until the
 * broker has it: what an outbox relay needs before it marks a row published. A relay with several rows sends
 * them all at once and then waits ({@link #allAndAwait}): the producer keeps their order per partition
 * (idempotence is on by default), and a batch costs one wait instead of one per row.
 */
public final class KafkaPublish {

    /** The broker did not take the record in time, or refused it. */
    public static final class NotPublished extends Exception {
        NotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private KafkaPublish() {
    }

    /** One record to publish: its topic, key, payload and the trace it belongs to (null for its own). */
    public record Outgoing(String topic, String key, String payload, String traceparent) {
    }

    /**
     * Sends and waits for the acknowledgement; answers where the record landed.
     *
     * @param traceparent the trace the record belongs to (stored with its outbox row), or null for a trace
     *                    of its own: the connector's producer span becomes its child and travels in the
     *                    record's headers
     */
    public static RecordMetadata andAwait(Emitter<String> emitter, String topic, String key, String payload,
                                          String traceparent, Duration patience) throws NotPublished {
        List<RecordMetadata> landed = allAndAwait(emitter, List.of(new Outgoing(topic, key, payload, traceparent)), patience);
        if (landed.isEmpty()) {
            throw new NotPublished("could not publish to " + topic, null);
        }
        return landed.get(0);
    }

    /**
     * Sends every record, then waits for the broker's acknowledgements, all within {@code patience}. Answers
     * where each record landed, in order, up to the first that the broker did not take: a relay marks those
     * published and leaves the rest for its next pass, so no row is marked before every earlier row is.
     *
     * @throws NotPublished when not even the first record was taken; the cause says why
     */
    public static List<RecordMetadata> allAndAwait(Emitter<String> emitter, List<Outgoing> records, Duration patience)
            throws NotPublished {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (Outgoing record : records) {
            acks.add(send(emitter, record));
        }
        long deadline = System.nanoTime() + patience.toNanos();
        List<RecordMetadata> landed = new ArrayList<>(records.size());
        for (int i = 0; i < acks.size(); i++) {
            try {
                landed.add(acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return firstOrThrow(landed, records.get(i), e);
            } catch (ExecutionException | TimeoutException e) {
                return firstOrThrow(landed, records.get(i), e instanceof ExecutionException ? e.getCause() : e);
            }
        }
        return landed;
    }

    private static List<RecordMetadata> firstOrThrow(List<RecordMetadata> landed, Outgoing failed, Throwable why)
            throws NotPublished {
        if (landed.isEmpty()) {
            String reason = why instanceof TimeoutException ? "no acknowledgement in time" : String.valueOf(why.getMessage());
            throw new NotPublished("could not publish to " + failed.topic() + ": " + reason, why);
        }
        return landed;
    }

    private static CompletableFuture<RecordMetadata> send(Emitter<String> emitter, Outgoing record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
        Message<String> message = Message.of(record.payload(),
                () -> {
                    acked.complete(result.getResult());
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                })
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(record.topic()).withKey(record.key()).build())
                .addMetadata(result);
        // a row with no trace starts its own, not the trace of whatever this thread handles now
        message = message.addMetadata(TracingMetadata.withCurrent(Traces.context(record.traceparent())));
        emitter.send(message);
        return acked;
    }
}
