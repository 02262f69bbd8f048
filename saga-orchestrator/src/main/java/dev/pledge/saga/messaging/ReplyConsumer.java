package dev.pledge.saga.messaging;

import java.sql.SQLException;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.kafka.RecordTraces;
import dev.pledge.common.problem.FailureText;
import dev.pledge.common.problem.JsonErrorText;
import dev.pledge.saga.service.Received;
import dev.pledge.saga.service.ReplyIntake;
import dev.pledge.saga.service.ReplyMessage;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Takes participants' replies from the reply topic and hands each to the engine with its Kafka coordinates.
 * Up to {@code smallrye.messaging.worker.saga-replies.max-concurrency} replies are taken in at once, each in
 * its own transaction: one reply's commit no longer waits behind another's, and the database flushes their
 * commits together. Two replies of one saga (the parallel flow's two steps, a repeat, a late attempt) meet at
 * the saga's row lock and are taken in one after the other, in whichever order they reach it; the saga
 * machine decides every reply from the saga's state, never from the order of the topic. An offset is
 * committed only once it and every offset before it in its partition have been taken in, so a crash replays
 * what was not, and the timeline's record of a reply makes its replay a no-op. A reply that cannot be read
 * goes to the dead-letter topic and the consumer goes on.
 *
 * <p>Every orchestrator instance consumes in the same group, so each takes the replies of its share of the
 * partitions, and with them the sagas keyed to those partitions. When an instance dies its partitions move to
 * another after the group's session timeout, which receives again every reply after the last committed
 * offset. Those the dead instance had taken in are recognised by their coordinates (the same check makes two
 * instances that briefly overlap during a rebalance harmless: both lock the saga's row, the second finds the
 * record taken in).
 */
@ApplicationScoped
public class ReplyConsumer {
    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class);

    @Inject
    ReplyIntake intake;
    @Inject
    ObjectMapper json;

    /** A reply no retry can make readable. */
    public static final class PoisonReply extends RuntimeException {
        public PoisonReply(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Incoming("saga-replies")
    @Blocking(value = "saga-replies", ordered = false)
    public void onReply(ConsumerRecord<String, String> record) throws SQLException {
        ReplyMessage reply;
        try {
            reply = json.readValue(record.value(), ReplyMessage.class);
        } catch (JsonProcessingException e) {
            LOG.errorf("reply at %s-%d@%d is not valid JSON, sent to the dead-letter topic", record.topic(),
                    record.partition(), record.offset());
            throw new PoisonReply(JsonErrorText.of("not a valid saga reply", e), e);
        } catch (IllegalArgumentException e) {
            LOG.errorf("reply at %s-%d@%d is not a saga reply, sent to the dead-letter topic", record.topic(),
                    record.partition(), record.offset());
            throw new PoisonReply("not a valid saga reply: " + FailureText.of(e), e);
        }
        if (reply == null || !reply.complete()) {
            throw new PoisonReply("a saga reply needs sagaId, step, kind, attempt and outcome", null);
        }
        try (Scope ignored = RecordTraces.resume(record)) { // the next commands go out in the reply's trace
            intake.onReply(reply, new Received(record.topic(), record.partition(), record.offset(),
                    Instant.ofEpochMilli(record.timestamp())));
        }
    }
}
