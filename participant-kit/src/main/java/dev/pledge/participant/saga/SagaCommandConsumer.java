package dev.pledge.participant.saga;

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
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Consumes this participant's saga commands from Kafka, one at a time in partition order (the key is the
 * saga id), and hands each to the {@link SagaCommandHandler}. The offset is committed after the command's
 * transaction, so a crash replays it, and the inbox turns the replay into the same reply. A command that
 * cannot be read, is invalid, or whose SQL fails the same way at every attempt ({@link UnprocessableCommand}) is
 * refused: the channel's failure strategy moves it to the dead-letter topic and the consumer goes on with the next.
 */
@ApplicationScoped
public class SagaCommandConsumer {
    private static final Logger LOG = Logger.getLogger(SagaCommandConsumer.class);

    @Inject
    SagaCommandHandler handler;
    @Inject
    OutboxRelay relay;
    @Inject
    SagaSilence silence;
    @Inject
    ObjectMapper json;

    /** A command that no retry can make valid. */
    public static final class PoisonCommand extends RuntimeException {
        public PoisonCommand(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Incoming("saga-commands")
    @Blocking(ordered = true)
    public void onCommand(ConsumerRecord<String, String> record) throws SQLException {
        try (Scope ignored = RecordTraces.resume(record)) {
            handle(record.value());
        }
    }

    private void handle(String payload) throws SQLException {
        SagaCommand command;
        try {
            command = json.readValue(payload, SagaCommand.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("saga command is not valid JSON, sent to the dead-letter topic: %s", e.getOriginalMessage());
            throw new PoisonCommand(JsonErrorText.of("not a valid saga command", e), e);
        }
        if (command.action() != null && silence.isSilenced(command.action())) {
            LOG.warnf("dropped %s %s of saga %s (silenced)", command.action(), command.kind(), command.sagaId());
            return;
        }
        try {
            handler.handle(command);
        } catch (ProblemException | ConstraintViolationException e) {
            LOG.errorf("invalid saga command for saga %s, sent to the dead-letter topic: %s", command.sagaId(), e.getMessage());
            throw new PoisonCommand("invalid saga command: " + e.getMessage(), e);
        } catch (UnprocessableCommand e) {
            LOG.errorf("saga command %s %s of saga %s cannot be processed, sent to the dead-letter topic: %s",
                    command.kind(), command.action(), command.sagaId(), e.getMessage());
            throw new PoisonCommand("saga command cannot be processed: " + e.getMessage(), e);
        }
        relay.kick();
    }
}
