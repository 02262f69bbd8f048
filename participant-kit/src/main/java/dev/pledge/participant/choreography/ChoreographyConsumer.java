package dev.pledge.participant.choreography;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.kafka.RecordTraces;
import dev.pledge.common.problem.JsonErrorText;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.participant.saga.OutboxRelay;
import dev.pledge.participant.saga.SagaCommandConsumer.PoisonCommand;
import dev.pledge.participant.saga.UnprocessableCommand;
import dev.pledge.participant.saga.SagaSilence;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Takes every order event from Kafka in partition order (the key is the saga id) and lets the
 * {@link ChoreographyReactor} react to those this participant cares about. An unreadable or invalid event
 * goes to this participant's dead-letter topic; the consumer goes on.
 */
@ApplicationScoped
public class ChoreographyConsumer {
    private static final Logger LOG = Logger.getLogger(ChoreographyConsumer.class);

    @Inject
    ChoreographyReactor reactor;
    @Inject
    ChoreographyRules rules;
    @Inject
    SagaSilence silence;
    @Inject
    OutboxRelay relay;
    @Inject
    ObjectMapper json;

    @Incoming("order-events")
    @Blocking(ordered = true)
    public void onEvent(ConsumerRecord<String, String> record) throws SQLException {
        try (Scope ignored = RecordTraces.resume(record)) {
            handle(record.value());
        }
    }

    private void handle(String payload) throws SQLException {
        OrderEvent event;
        try {
            event = json.readValue(payload, OrderEvent.class);
        } catch (JsonProcessingException e) {
            throw new PoisonCommand(JsonErrorText.of("not a valid order event", e), e);
        }
        if (event == null || !event.complete()) {
            throw new PoisonCommand("an order event needs sagaId, type and order", null);
        }
        boolean silenced = rules.reactionTo(event.type()).filter(r -> silence.isSilenced(r.verb())).isPresent();
        if (silenced) {
            LOG.warnf("dropped %s of saga %s (silenced)", event.type(), event.sagaId());
            return;
        }
        try {
            if (reactor.onEvent(event).isPresent()) {
                relay.kick();
            }
        } catch (ProblemException | ConstraintViolationException e) {
            throw new PoisonCommand("invalid order event for saga " + event.sagaId() + ": " + e.getMessage(), e);
        } catch (UnprocessableCommand e) { // the handler tried it a few times: the next event goes on
            LOG.errorf("order event %s of saga %s cannot be processed, sent to the dead-letter topic: %s", event.type(),
                    event.sagaId(), e.getMessage());
            throw new PoisonCommand("order event for saga " + event.sagaId() + " cannot be processed: " + e.getMessage(), e);
        }
    }
}
