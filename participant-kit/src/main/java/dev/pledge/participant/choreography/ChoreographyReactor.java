package dev.pledge.participant.choreography;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.participant.choreography.ChoreographyRules.Deadline;
import dev.pledge.participant.choreography.ChoreographyRules.Reaction;
import dev.pledge.participant.saga.SagaCommand;
import dev.pledge.participant.saga.SagaCommandHandler;
import dev.pledge.participant.saga.SagaCommandHandler.Answer;
import dev.pledge.participant.saga.SagaCommandHandler.Outgoing;
import dev.pledge.participant.saga.SagaReply;
import io.agroal.api.AgroalDataSource;

/**
 * Runs this participant's reactions to order events. A reaction is a saga command handled by the
 * {@link SagaCommandHandler} (so a repeated event has one effect and announces the same event again), whose
 * reply becomes the event the other participants react to. A deadline this participant keeps is written in
 * the same transaction as the event that starts it.
 */
@ApplicationScoped
public class ChoreographyReactor {

    @Inject
    SagaCommandHandler handler;
    @Inject
    ChoreographyRules rules;
    @Inject
    AgroalDataSource db;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "quarkus.application.name")
    String participant;
    @ConfigProperty(name = "pledge.choreography.topic", defaultValue = "saga.order.events")
    String topic;

    public String topic() {
        return topic;
    }

    /** Reacts to one event, if this participant has a reaction to it; ends a deadline it satisfies. */
    public Optional<SagaReply> onEvent(OrderEvent event) throws SQLException {
        Optional<Deadline> deadline = rules.deadline();
        if (deadline.isPresent() && deadline.get().until().contains(event.type())) {
            clearDeadline(event.sagaId(), deadline.get());
        }
        Optional<Reaction> reaction = rules.reactions().stream().filter(r -> r.on().equals(event.type())).findFirst();
        if (reaction.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(react(event.sagaId(), event.order(), reaction.get(), null));
    }

    /** Runs a reaction; {@code reason} overrides the reply's reason in the event (e.g. a deadline passed). */
    SagaReply react(UUID saga, JsonNode order, Reaction r, String reason) throws SQLException {
        SagaCommand command = new SagaCommand(saga, r.step(), r.kind(), r.verb(), 1, rules.operation(order), topic);
        return handler.handle(command, new Answer() {
            @Override
            public Outgoing shape(SagaReply reply) {
                boolean done = reply.outcome() == SagaReply.Outcome.DONE;
                String why = reason != null ? reason : reply.reason();
                OrderEvent next = new OrderEvent(saga, done ? r.whenDone() : r.otherwise(), order, participant, why);
                try {
                    return new Outgoing(topic, json.writeValueAsString(next));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("event is not serialisable", e);
                }
            }

            @Override
            public void alsoWrite(Connection tx, SagaReply reply) throws SQLException {
                Optional<Deadline> d = rules.deadline();
                boolean done = reply.outcome() == SagaReply.Outcome.DONE;
                if (d.isPresent() && d.get().after().equals(done ? r.whenDone() : r.otherwise())) {
                    startDeadline(tx, saga, order, d.get());
                }
            }
        });
    }

    private void startDeadline(Connection tx, UUID saga, JsonNode order, Deadline d) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO choreography_deadlines (saga_id, after_event,"
                + " order_json, due_at) VALUES (?, ?, ?::jsonb, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, saga);
            ps.setString(2, d.after());
            ps.setString(3, order.toString());
            ps.setTimestamp(4, Timestamp.from(Instant.now().plus(d.within())));
            ps.executeUpdate();
        }
    }

    private void clearDeadline(UUID saga, Deadline d) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM choreography_deadlines WHERE saga_id = ? AND after_event = ?")) {
            ps.setObject(1, saga);
            ps.setString(2, d.after());
            ps.executeUpdate();
        }
    }
}
