package dev.pledge.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.participant.saga.SagaCommand;
import dev.pledge.participant.saga.SagaCommand.Kind;
import dev.pledge.participant.saga.SagaCommandHandler;
import dev.pledge.participant.saga.SagaReply;
import dev.pledge.participant.saga.SagaReply.Outcome;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.testing.CallersResource;
import dev.pledge.testing.KafkaResource;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Saga commands on the real inventory database: exactly one effect, whatever repeats or arrives late. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "user", value = "inventory"))
@WithTestResource(CallersResource.class)
class SagaCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    SagaCommandHandler handler;
    @Inject
    AgroalDataSource db;

    @Test
    void aRepeatedActionHasOneEffectAndTheSameReply() throws Exception {
        UUID saga = UUID.randomUUID();
        int before = stock("LAMP-007");
        SagaReply first = handler.handle(command(saga, Kind.ACTION, "LAMP-007", 2));
        SagaReply again = handler.handle(command(saga, Kind.ACTION, "LAMP-007", 2));
        assertThat(first.outcome()).isEqualTo(Outcome.DONE);
        assertThat(again.outcome()).isEqualTo(Outcome.DONE);
        assertThat(stock("LAMP-007")).isEqualTo(before - 2);
        assertThat(outboxReplies(saga)).as("every delivery is answered").isEqualTo(2);

        assertThat(handler.handle(command(saga, Kind.COMPENSATION, "LAMP-007", 2)).outcome()).isEqualTo(Outcome.DONE);
        assertThat(handler.handle(command(saga, Kind.COMPENSATION, "LAMP-007", 2)).outcome()).isEqualTo(Outcome.DONE);
        assertThat(stock("LAMP-007")).as("released once").isEqualTo(before);
    }

    @Test
    void aCompensationBeforeItsActionMakesTheLateActionANoOp() throws Exception {
        UUID saga = UUID.randomUUID();
        int before = stock("MUG-042");
        SagaReply compensation = handler.handle(command(saga, Kind.COMPENSATION, "MUG-042", 3));
        assertThat(compensation.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(compensation.reason()).contains("never arrived");
        SagaReply late = handler.handle(command(saga, Kind.ACTION, "MUG-042", 3));
        assertThat(late.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(stock("MUG-042")).isEqualTo(before);
    }

    @Test
    void aRefusedActionHasNothingToCompensate() throws Exception {
        UUID saga = UUID.randomUUID();
        SagaReply refused = handler.handle(command(saga, Kind.ACTION, "SOLD-OUT", 1));
        assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(refused.reason()).contains("insufficient stock");
        assertThat(handler.handle(command(saga, Kind.COMPENSATION, "SOLD-OUT", 1)).outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(stock("SOLD-OUT")).isZero();
    }

    @Test
    void aConfirmedReservationCanStillBeReleasedButAReleasedOneCannotBeConfirmed() throws Exception {
        UUID confirmedFirst = UUID.randomUUID();
        int before = stock("LAMP-007");
        handler.handle(command(confirmedFirst, Kind.ACTION, "LAMP-007", 1));
        assertThat(handler.handle(confirm(confirmedFirst, "LAMP-007", 1)).outcome()).isEqualTo(Outcome.DONE);
        assertThat(reservation(confirmedFirst)).isEqualTo("CONFIRMED");
        assertThat(handler.handle(command(confirmedFirst, Kind.COMPENSATION, "LAMP-007", 1)).outcome()).isEqualTo(Outcome.DONE);
        assertThat(reservation(confirmedFirst)).isEqualTo("RELEASED");
        assertThat(stock("LAMP-007")).isEqualTo(before);

        UUID releasedFirst = UUID.randomUUID();
        handler.handle(command(releasedFirst, Kind.ACTION, "LAMP-007", 1));
        handler.handle(command(releasedFirst, Kind.COMPENSATION, "LAMP-007", 1));
        SagaReply late = handler.handle(confirm(releasedFirst, "LAMP-007", 1));
        assertThat(late.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(late.reason()).contains("already released");
        assertThat(reservation(releasedFirst)).isEqualTo("RELEASED");
        assertThat(stock("LAMP-007")).isEqualTo(before);
    }

    @Test
    void aRefusedActionIsDecidedAgainOnlyForALaterAttempt() throws Exception {
        UUID holder = UUID.randomUUID();
        UUID waiter = UUID.randomUUID();
        assertThat(handler.handle(command(holder, Kind.ACTION, "RARE-1", 1)).outcome()).isEqualTo(Outcome.DONE);
        assertThat(handler.handle(command(waiter, Kind.ACTION, "RARE-1", 1)).outcome()).isEqualTo(Outcome.REFUSED);
        handler.handle(command(holder, Kind.COMPENSATION, "RARE-1", 1));
        assertThat(handler.handle(command(waiter, Kind.ACTION, "RARE-1", 1)).outcome())
                .as("a repeat of the refused attempt gets the same answer").isEqualTo(Outcome.REFUSED);
        SagaCommand second = new SagaCommand(waiter, "reserve-stock", Kind.ACTION, "reserve", 2,
                JSON.createObjectNode().put("sku", "RARE-1").put("qty", 1), "saga.replies");
        assertThat(handler.handle(second).outcome()).as("a later attempt is decided again").isEqualTo(Outcome.DONE);
        assertThat(handler.handle(second).outcome()).isEqualTo(Outcome.DONE);
        assertThat(stock("RARE-1")).isZero();
        assertThat(reservation(waiter)).isEqualTo("RESERVED");
        handler.handle(command(waiter, Kind.COMPENSATION, "RARE-1", 1));
        assertThat(stock("RARE-1")).isEqualTo(1);
    }

    @Test
    void aVerbThisParticipantDoesNotKnowIsRejected() throws Exception {
        UUID saga = UUID.randomUUID();
        SagaCommand charge = new SagaCommand(saga, "charge-payment", Kind.ACTION, "charge", 1,
                JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), "saga.replies");
        assertThatThrownBy(() -> handler.handle(charge)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("unknown saga action 'charge'");
        SagaCommand releaseAsAction = new SagaCommand(saga, "reserve-stock", Kind.ACTION, "release", 1,
                JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), "saga.replies");
        assertThatThrownBy(() -> handler.handle(releaseAsAction)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("cannot be sent as ACTION");
        assertThat(count("SELECT count(*) FROM saga_inbox WHERE saga_id = ?", saga)).isZero();
    }

    @Test
    void anUnreadableCommandGoesToTheDeadLetterTopicAndTheNextIsHandled() throws Exception {
        UUID saga = UUID.randomUUID();
        int before = stock("BOOK-001");
        String replyTopic = "saga.replies"; // the only topic the broker lets a participant answer on
        String good = JSON.writeValueAsString(new SagaCommand(saga, "reserve-stock", Kind.ACTION, "reserve", 1,
                JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), replyTopic));
        send(saga, "{this is not json");
        send(saga, good);
        List<ConsumerRecord<String, String>> dead = consume("saga.inventory.commands.dlq", 1,
                r -> r.value().equals("{this is not json"));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers().lastHeader("dead-letter-reason")).isNotNull();
        assertThat(consume(replyTopic, 1, r -> r.value().contains(saga.toString()))).hasSize(1);
        assertThat(stock("BOOK-001")).isEqualTo(before - 1);
    }

    /**
     * A command whose SQL fails the same way every time (here a constraint on the inbox that refuses its saga,
     * a real PostgreSQL error, SQLSTATE 23514) is tried a few times, then sent to the dead-letter topic; the next
     * command of the same partition is handled. Before, it was retried for ever and held its partition.
     */
    @Test
    void aCommandWhoseSqlAlwaysFailsGoesToTheDeadLetterTopicAfterItsAttemptsAndTheNextIsHandled() throws Exception {
        UUID poisoned = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        String replyTopic = "saga.replies";
        int before = stock("BOOK-001");
        execute("ALTER TABLE saga_inbox ADD CONSTRAINT test_refuses_saga CHECK (saga_id <> '" + poisoned + "')");
        try {
            String bad = JSON.writeValueAsString(new SagaCommand(poisoned, "reserve-stock", Kind.ACTION, "reserve", 1,
                    JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), replyTopic));
            String good = JSON.writeValueAsString(new SagaCommand(next, "reserve-stock", Kind.ACTION, "reserve", 1,
                    JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), replyTopic));
            send(poisoned, bad); // both under one key: one partition, in this order
            send(poisoned, good);
            List<ConsumerRecord<String, String>> dead = consume("saga.inventory.commands.dlq", 1, r -> r.value().equals(bad));
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("failed 3 times").contains("23514");
            List<ConsumerRecord<String, String>> replies = consume(replyTopic, 1,
                    r -> r.value().contains(next.toString()) || r.value().contains(poisoned.toString()));
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).value()).contains(next.toString());
        } finally {
            execute("ALTER TABLE saga_inbox DROP CONSTRAINT test_refuses_saga");
        }
        assertThat(count("SELECT count(*) FROM saga_inbox WHERE saga_id = ?", poisoned)).as("nothing of it written").isZero();
        assertThat(stock("BOOK-001")).as("only the next command took stock").isEqualTo(before - 1);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void anInvalidOperationIsRejectedAndWritesNothing() throws Exception {
        UUID saga = UUID.randomUUID();
        assertThatThrownBy(() -> handler.handle(command(saga, Kind.ACTION, "BOOK-001", -1)))
                .isInstanceOfAny(ProblemException.class, jakarta.validation.ConstraintViolationException.class);
        assertThat(outboxReplies(saga)).isZero();
        assertThat(count("SELECT count(*) FROM saga_inbox WHERE saga_id = ?", saga)).isZero();
        SagaCommand noReplyTopic = new SagaCommand(saga, "reserve-stock", Kind.ACTION, "reserve", 1,
                JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), null);
        assertThatThrownBy(() -> handler.handle(noReplyTopic)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("replyTopic");
        assertThat(count("SELECT count(*) FROM saga_inbox WHERE saga_id = ?", saga)).isZero();
    }

    /**
     * A reply the broker would never take (no ACL lets a participant write there) is refused up front: written to
     * the outbox, it would be retried for ever ahead of every later reply.
     */
    @Test
    void aCommandNamingATopicThisParticipantMayNotAnswerOnIsRejectedAndWritesNothing() throws Exception {
        UUID saga = UUID.randomUUID();
        SagaCommand elsewhere = new SagaCommand(saga, "reserve-stock", Kind.ACTION, "reserve", 1,
                JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), "saga.payment.commands");
        assertThatThrownBy(() -> handler.handle(elsewhere)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("replyTopic must be one of [saga.replies]");
        assertThat(outboxReplies(saga)).isZero();
        assertThat(count("SELECT count(*) FROM saga_inbox WHERE saga_id = ?", saga)).isZero();
    }

    @Test
    void commandsArriveAndRepliesLeaveThroughKafka() throws Exception {
        UUID saga = UUID.randomUUID();
        int before = stock("BOOK-001");
        String replyTopic = "saga.replies"; // the only topic the broker lets a participant answer on
        String command = JSON.writeValueAsString(new SagaCommand(saga, "reserve-stock", Kind.ACTION, "reserve", 1,
                JSON.createObjectNode().put("sku", "BOOK-001").put("qty", 1), replyTopic));
        // delivered twice, as after a redelivery: one effect, two identical replies
        send(saga, command);
        send(saga, command);
        List<SagaReply> replies = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consume(replyTopic, 2, r -> saga.toString().equals(r.key()))) {
            assertThat(r.key()).isEqualTo(saga.toString());
            replies.add(JSON.readValue(r.value(), SagaReply.class));
        }
        assertThat(replies).hasSize(2).allMatch(r -> r.outcome() == Outcome.DONE && r.participant().equals("participant-inventory"));
        assertThat(stock("BOOK-001")).isEqualTo(before - 1);
        // each reply is marked once the broker has it: the relay's later passes (every second) must then find
        // nothing of this saga to send again
        await().atMost(Duration.ofSeconds(30)).until(() ->
                count("SELECT count(*) FROM outbox WHERE message_key = ?::text AND published_at IS NULL", saga) == 0);
        Thread.sleep(2_500);
        assertThat(consume(replyTopic, 3, r -> saga.toString().equals(r.key()), Duration.ofSeconds(5)))
                .as("each reply published once").hasSize(2);
    }

    private static SagaCommand command(UUID saga, Kind kind, String sku, int qty) {
        return new SagaCommand(saga, "reserve-stock", kind, kind == Kind.ACTION ? "reserve" : "release", 1,
                JSON.createObjectNode().put("sku", sku).put("qty", qty), "saga.replies");
    }

    private static SagaCommand confirm(UUID saga, String sku, int qty) {
        return new SagaCommand(saga, "confirm", Kind.ACTION, "confirm", 1,
                JSON.createObjectNode().put("sku", sku).put("qty", qty), "saga.replies");
    }

    private void send(UUID saga, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaResource.login(KafkaLogin.OPERATOR).clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)))) {
            producer.send(new ProducerRecord<>("saga.inventory.commands", saga.toString(), value)).get();
        }
    }

    /** Reads a topic from the start until {@code wanted} records match, or a minute has passed. */
    private List<ConsumerRecord<String, String>> consume(String topic, int wanted,
                                                         java.util.function.Predicate<ConsumerRecord<String, String>> match) {
        return consume(topic, wanted, match, Duration.ofSeconds(60));
    }

    private List<ConsumerRecord<String, String>> consume(String topic, int wanted,
                                                         java.util.function.Predicate<ConsumerRecord<String, String>> match,
                                                         Duration patience) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaResource.login(KafkaLogin.OPERATOR).clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, KafkaLogin.toolGroup("test-" + UUID.randomUUID()),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + patience.toNanos();
            while (found.size() < wanted && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private String reservation(UUID saga) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status FROM reservations WHERE saga_id = ?")) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private int stock(String sku) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT stock FROM products WHERE sku = ?")) {
            ps.setString(1, sku);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private int outboxReplies(UUID saga) throws SQLException {
        return count("SELECT count(*) FROM outbox WHERE message_key = ?::text", saga);
    }

    private int count(String sql, UUID saga) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, sql.contains("::text") ? saga.toString() : saga);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
