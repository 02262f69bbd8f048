package dev.pledge.saga.messaging;

import java.sql.SQLException;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.kafka.RecordTraces;
import dev.pledge.common.problem.FailureText;
import dev.pledge.common.problem.JsonErrorText;
import dev.pledge.saga.service.ChoreographyObserver;
import dev.pledge.saga.service.Received;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Watches the order events of choreographed sagas, to record where each stands. It only observes: the
 * participants react to each other's events whether or not it runs. An unreadable event goes to the
 * observer's dead-letter topic. Orchestrator instances share one observer group, so each event is recorded
 * by the instance its partition is assigned to, and once: a redelivery after a rebalance is recognised by its
 * coordinates, as a reply is.
 */
@ApplicationScoped
public class EventObserver {

    @Inject
    ChoreographyObserver observer;
    @Inject
    ObjectMapper json;

    @Incoming("order-events")
    @Blocking(ordered = true)
    public void onEvent(ConsumerRecord<String, String> record) throws SQLException {
        JsonNode event;
        java.util.UUID saga;
        try {
            event = json.readTree(record.value());
            saga = java.util.UUID.fromString(event.path("sagaId").asText());
        } catch (JsonProcessingException e) {
            throw new ReplyConsumer.PoisonReply(JsonErrorText.of("not a valid order event", e), e);
        } catch (IllegalArgumentException e) {
            throw new ReplyConsumer.PoisonReply("not a valid order event: " + FailureText.of(e), e);
        }
        if (!event.path("type").isTextual()) {
            throw new ReplyConsumer.PoisonReply("an order event needs a type", null);
        }
        try (Scope ignored = RecordTraces.resume(record)) {
            observer.onEvent(saga, event.path("type").asText(), event.path("participant").asText(null),
                    event.path("reason").asText(null), new Received(record.topic(), record.partition(),
                            record.offset(), Instant.ofEpochMilli(record.timestamp())));
        }
    }
}
