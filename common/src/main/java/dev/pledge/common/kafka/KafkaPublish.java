package dev.pledge.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * (idempotence is on by default), and a batch costs one wait instead of one per row. After a pass with a
 * failure a relay sends one row per pass until the broker takes one again, so an outage never piles up
 * records waiting in the producer.
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
     * Sends every record, then waits for the broker's acknowledgements, all within {@code patience}. Answers,
     * for each record in order, where it landed, or null where the broker refused it or did not answer in
     * time: a relay marks what landed and leaves the rest for a later pass (receivers take a record that
     * arrives out of order or twice).
     *
     * @throws NotPublished when not one record was taken; the cause is the first record's failure
     */
    public static List<RecordMetadata> allAndAwait(Emitter<String> emitter, List<Outgoing> records, Duration patience)
            throws NotPublished {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (Outgoing record : records) {
            acks.add(send(emitter, record));
        }
        long deadline = System.nanoTime() + patience.toNanos();
        List<RecordMetadata> landed = new ArrayList<>(records.size());
        Throwable first = null;
        for (CompletableFuture<RecordMetadata> ack : acks) {
            try {
                landed.add(ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotPublished("interrupted while publishing to " + records.get(landed.size()).topic(), e);
            } catch (ExecutionException | TimeoutException e) {
                first = first != null ? first : e instanceof ExecutionException ? e.getCause() : e;
                landed.add(null);
            }
        }
        if (landed.stream().allMatch(Objects::isNull)) {
            String reason = first instanceof TimeoutException ? "no acknowledgement in time" : String.valueOf(first.getMessage());
            throw new NotPublished("could not publish to " + records.get(0).topic() + ": " + reason, first);
        }
        return landed;
    }

    /** Whether a pass's answers show a record the broker did not take. */
    public static boolean troubled(List<RecordMetadata> landed) {
        return landed.stream().anyMatch(Objects::isNull);
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
