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

import dev.pledge.common.tracing.Traces;
import dev.pledge.participant.choreography.ChoreographyRules.Deadline;
import dev.pledge.participant.choreography.ChoreographyRules.Reaction;
import dev.pledge.participant.saga.SagaCommand;
import dev.pledge.participant.saga.SagaCommandHandler.Answer;
import dev.pledge.participant.saga.SagaCommandHandler.Outgoing;
import dev.pledge.participant.saga.SagaCommandHandler;
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

    /** What a reaction does with this participant's deadline for the saga, in the reaction's transaction. */
    enum DeadlineUse {
        /** Nothing. */
        NONE,
        /** An awaited event came: end the deadline, then react. */
        END,
        /** The deadline passed: react only if it is still there (an awaited event may just have ended it). */
        CLAIM
    }

    /** Reacts to one event, if this participant has a reaction to it; ends a deadline it satisfies. */
    public Optional<SagaReply> onEvent(OrderEvent event) throws SQLException {
        Optional<Deadline> deadline = rules.deadline();
        boolean awaited = deadline.isPresent() && deadline.get().until().contains(event.type());
        Optional<Reaction> reaction = rules.reactionTo(event.type());
        if (reaction.isEmpty()) {
            if (awaited) {
                try (Connection c = db.getConnection()) {
                    endDeadline(c, event.sagaId(), deadline.get());
                }
            }
            return Optional.empty();
        }
        return Optional.ofNullable(react(event.sagaId(), event.order(), reaction.get(), null,
                awaited ? DeadlineUse.END : DeadlineUse.NONE));
    }

    /**
     * Runs a reaction; {@code reason} overrides the reply's reason in the event (e.g. a deadline passed).
     * Returns null when a claimed deadline was gone.
     */
    SagaReply react(UUID saga, JsonNode order, Reaction r, String reason, DeadlineUse use) throws SQLException {
        SagaCommand command = new SagaCommand(saga, r.step(), r.kind(), r.verb(), 1, rules.operation(order), topic);
        return handler.handle(command, new Answer() {
            @Override
            public boolean proceed(Connection tx) throws SQLException {
                Optional<Deadline> d = rules.deadline();
                if (use == DeadlineUse.NONE || d.isEmpty()) {
                    return true;
                }
                boolean ended = endDeadline(tx, saga, d.get());
                return use == DeadlineUse.END || ended;
            }

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
                + " order_json, due_at, trace_parent) VALUES (?, ?, ?::jsonb, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, saga);
            ps.setString(2, d.after());
            ps.setString(3, order.toString());
            ps.setTimestamp(4, Timestamp.from(Instant.now().plus(d.within())));
            ps.setString(5, Traces.current());
            ps.executeUpdate();
        }
    }

    /** Removes the deadline; true when this transaction removed it (it waits for one that is removing it). */
    private static boolean endDeadline(Connection c, UUID saga, Deadline d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM choreography_deadlines WHERE saga_id = ? AND after_event = ?")) {
            ps.setObject(1, saga);
            ps.setString(2, d.after());
            return ps.executeUpdate() == 1;
        }
    }
}
