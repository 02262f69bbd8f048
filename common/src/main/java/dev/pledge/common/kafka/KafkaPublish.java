package dev.pledge.common.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.pledge.common.tracing.Traces;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes one record through an emitter, to the given topic with the given key, and waits until the
 * broker has it: what an outbox relay needs before it marks a row published.
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

    /**
     * Sends and waits for the acknowledgement; answers where the record landed.
     *
     * @param traceparent the trace the record belongs to (stored with its outbox row), or null for a trace
     *                    of its own: the connector's producer span becomes its child and travels in the
     *                    record's headers
     */
    public static RecordMetadata andAwait(Emitter<String> emitter, String topic, String key, String payload,
                                          String traceparent, Duration patience) throws NotPublished {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
        Message<String> message = Message.of(payload,
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                })
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key).build())
                .addMetadata(result);
        // a row with no trace starts its own, not the trace of whatever this thread handles now
        message = message.addMetadata(TracingMetadata.withCurrent(Traces.context(traceparent)));
        emitter.send(message);
        try {
            acked.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotPublished("interrupted while publishing to " + topic, e);
        } catch (Exception e) {
            throw new NotPublished("could not publish to " + topic + ": " + e.getMessage(), e);
        }
        return result.getResult();
    }
}
