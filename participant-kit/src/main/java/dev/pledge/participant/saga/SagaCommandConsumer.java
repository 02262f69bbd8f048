package dev.pledge.participant.saga;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.ProblemException;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Consumes this participant's saga commands from Kafka, one at a time in partition order (the key is the
 * saga id), and hands each to the {@link SagaCommandHandler}. The offset is committed after the command's
 * transaction, so a crash replays it, and the inbox turns the replay into the same reply.
 */
@ApplicationScoped
public class SagaCommandConsumer {
    private static final Logger LOG = Logger.getLogger(SagaCommandConsumer.class);

    @Inject
    SagaCommandHandler handler;
    @Inject
    OutboxRelay relay;
    @Inject
    ObjectMapper json;

    @Incoming("saga-commands")
    @Blocking(ordered = true)
    public void onCommand(String payload) throws SQLException {
        SagaCommand command;
        try {
            command = json.readValue(payload, SagaCommand.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("dropping a saga command that is not valid JSON: %s (%s)", payload, e.getOriginalMessage());
            return;
        }
        try {
            handler.handle(command);
        } catch (ProblemException | ConstraintViolationException e) {
            LOG.errorf("dropping an invalid saga command for saga %s: %s", command.sagaId(), e.getMessage());
            return;
        }
        try {
            relay.publishPending();
        } catch (SQLException e) {
            LOG.warnf("reply for saga %s stays in the outbox for the next sweep: %s", command.sagaId(), e.getMessage());
        }
    }
}
