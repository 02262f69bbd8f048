package dev.pledge.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.pledge.saga.config.SagaConfig;
import dev.pledge.saga.messaging.CommandRelay;
import dev.pledge.saga.service.ReplyMessage;
import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.service.Order;
import dev.pledge.saga.service.SagaEndings;
import dev.pledge.saga.service.Received;
import dev.pledge.saga.service.ReplyIntake;
import dev.pledge.saga.service.SagaStarter;
import dev.pledge.saga.service.TimeoutScanner;
import dev.pledge.saga.store.Tx;
import dev.pledge.saga.store.SagaOutbox;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import dev.pledge.saga.store.Timers;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.testing.KafkaResource;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Several orchestrator instances on one database: the parts each instance runs (timer scans, outbox relays,
 * reply handling, waiting for ends) run here twice at once against the same tables, as two processes would,
 * and every saga still moves once. No participants run: replies are handed to the orchestrator directly.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "user", value = "saga-orchestrator"))
class SeveralInstancesIT {
    private static final AtomicLong OFFSETS = new AtomicLong(1_000_000);

    @Inject
    SagaStarter starter;
    @Inject
    ReplyIntake intake;
    @Inject
    TimeoutScanner timeouts;
    @Inject
    SagaOutbox outbox;
    @Inject
    SagaStore store;
    @Inject
    Timers timers;
    @Inject
    SagaConfig config;
    @Inject
    AgroalDataSource db;
    @Inject
    @Channel("saga-commands")
    Emitter<String> commands;

    private final List<UUID> started = new ArrayList<>();
    private final ExecutorService instances = Executors.newFixedThreadPool(2);

    @Test
    void aWaitServedByAnInstanceThatTookNoReplyEndsWithTheSaga() throws Exception {
        UUID saga = start();
        SagaEndings elsewhere = new SagaEndings(db, Duration.ofMinutes(5)); // rechecks too late to matter here
        elsewhere.start("elsewhere");
        try {
            await().atMost(Duration.ofSeconds(30)).until(elsewhere::listening);
            AtomicInteger reads = new AtomicInteger();
            CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> waitForEnd(elsewhere, saga, () -> {
                reads.incrementAndGet();
                return rows().ended(saga);
            }), instances);
            await().atMost(Duration.ofSeconds(30)).until(() -> reads.get() >= 1);

            intake.onReply(reply(saga, "reserve-stock", "REFUSED"), received());

            assertThat(waited.get(20, TimeUnit.SECONDS)).as("woken by the end, long before the 60 s wait is over").isTrue();
            assertThat(rows().status(saga)).isEqualTo("COMPENSATED");
        } finally {
            elsewhere.stop();
        }
    }

    @Test
    void twoTimerScansFireEachTimeoutOnce() throws Exception {
        List<UUID> sagas = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sagas.add(start());
        }
        rows().update("UPDATE saga_timers SET due_at = now() - interval '1 second' WHERE saga_id = ANY (?)", sagas);

        List<Integer> fired = race(timeouts::scanOnce, timeouts::scanOnce); // the scheduler's scan joins in

        assertThat(fired.get(0) + fired.get(1)).isLessThanOrEqualTo(sagas.size());
        for (UUID saga : sagas) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rows().timeline(saga, "RETRY", 2) >= 1);
            assertThat(rows().timeline(saga, "TIMEOUT", 1)).as("timeouts of attempt 1 of " + saga).isEqualTo(1);
            assertThat(rows().timeline(saga, "RETRY", 2)).as("retries of " + saga).isEqualTo(1);
            assertThat(rows().commands(saga, "reserve-stock", 2)).as("second attempts of " + saga).isEqualTo(1);
        }
    }

    @Test
    void aStartingInstanceLeavesTheTimersAnotherInstanceHoldsToIt() throws Exception {
        UUID saga = start();
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false); // another instance, in the middle of firing this saga's timer
            SagaRows.update(other, "UPDATE saga_timers SET due_at = now() - interval '1 second' WHERE saga_id = ANY (?)", List.of(saga));

            Future<Integer> deferred = instances.submit(() ->
                    Tx.run(db, c -> timers.deferDue(c, Instant.now().plus(config.stepTimeout()))));

            assertThat(deferred.get(20, TimeUnit.SECONDS)).as("timers deferred").isGreaterThanOrEqualTo(0);
            try (PreparedStatement ps = other.prepareStatement(
                    "SELECT count(*) FROM saga_timers WHERE saga_id = ? AND due_at < now()")) {
                ps.setObject(1, saga);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("the held timer is still as its holder left it").isEqualTo(1);
                }
            }
            other.rollback();
        }
    }

    @Test
    void twoRelaysPublishEachCommandOnce() throws Exception {
        String topic = "saga.payment.commands"; // one the orchestrator may write; no participant reads it here
        UUID saga = start();
        int rows = 450; // more than a relay takes in one batch, so both find work
        Tx.run(db, c -> {
            long entry = store.append(c, TimelineEntry.of(saga, Instant.now(), null, "NOTE", null, null, "relay race"))
                    .orElseThrow();
            for (int i = 0; i < rows; i++) {
                outbox.enqueue(c, saga, entry, topic, "{\"n\": " + i + "}", Instant.now());
            }
            return null;
        });
        CommandRelay other = new CommandRelay(db, outbox, commands);
        CommandRelay another = new CommandRelay(db, outbox, commands);
        try {
            List<Integer> published = race(other::publishDue, another::publishDue); // this process's relay joins in
            assertThat(published.get(0) + published.get(1)).isLessThanOrEqualTo(rows);
        } finally {
            other.stop();
            another.stop();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> rows().unpublished(saga) == 0);
        assertThat(recordsIn(topic, saga.toString())).as("records of saga " + saga + " published to " + topic)
                .isEqualTo(rows);
    }

    @Test
    void aReplyDeliveredToTwoInstancesIsTakenInOnce() throws Exception {
        UUID saga = start();
        ReplyMessage done = reply(saga, "reserve-stock", "DONE");
        Received where = received();

        Callable<Integer> takeIn = () -> {
            intake.onReply(done, where);
            return 0;
        };
        race(takeIn, takeIn);

        assertThat(rows().timeline(saga, "REPLY")).isEqualTo(1);
        assertThat(rows().timeline(saga, "charge-payment", "COMMAND")).as("the next step is sent once").isEqualTo(1);
        assertThat(rows().commands(saga, "charge-payment", 1)).isEqualTo(1);
    }

    @Test
    void repliesAreSplitOverPartitionsBetweenTheInstancesOfOneGroup() throws Exception {
        try (Admin admin = Admin.create(orchestrator().clientConfig());
             KafkaConsumer<String, String> second = new KafkaConsumer<>(orchestrator().clientConfig(Map.of(
                     ConsumerConfig.GROUP_ID_CONFIG, "saga-orchestrator",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            int partitions = admin.describeTopics(List.of(config.replyTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(config.replyTopic()).partitions().size();
            assertThat(partitions).as("partitions of " + config.replyTopic()).isGreaterThanOrEqualTo(2);

            second.subscribe(List.of(config.replyTopic()));
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                second.poll(Duration.ofMillis(100)); // nothing it reads is committed: the group reads it again
                List<MemberDescription> members = group(admin).members().stream().toList();
                return members.size() == 2 && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            });
            assertThat(group(admin).members()).anySatisfy(m ->
                    assertThat(m.groupInstanceId()).hasValue(config.instanceId()));
        }
    }

    @AfterEach
    void forget() throws SQLException {
        instances.shutdownNow();
        rows().forget(started);
    }

    /** Runs the two tasks on two threads, released at once, as two instances would; answers their results. */
    private <T> List<T> race(Callable<T> one, Callable<T> other) throws Exception {
        CyclicBarrier gate = new CyclicBarrier(2);
        List<Future<T>> running = new ArrayList<>();
        for (Callable<T> task : List.of(one, other)) {
            running.add(instances.submit(() -> {
                gate.await(30, TimeUnit.SECONDS);
                return task.call();
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : running) {
            results.add(f.get(120, TimeUnit.SECONDS));
        }
        return results;
    }

    private SagaRows rows() {
        return new SagaRows(db);
    }

    private UUID start() throws SQLException {
        UUID id = starter.start(new Order("BOOK-001", 1, "acc-test", new BigDecimal("10.00")), Flow.SEQUENTIAL, null);
        started.add(id);
        return id;
    }

    private static ReplyMessage reply(UUID saga, String step, String outcome) {
        return new ReplyMessage(saga, step, "ACTION", null, 1, outcome, "REFUSED".equals(outcome) ? "out of stock" : null,
                "inventory");
    }

    private Received received() {
        return new Received(config.replyTopic(), 0, OFFSETS.incrementAndGet(), Instant.now());
    }

    /** What {@code GET /sagas/{id}?waitMs=60000} does on the instance that holds {@code endings}. */
    private static boolean waitForEnd(SagaEndings endings, UUID saga, BooleanSupplier ended) {
        try {
            return endings.await(saga, Duration.ofSeconds(60), ended);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The orchestrator's own login: the second member of its group stands for a second instance. */
    private static KafkaLogin orchestrator() {
        return KafkaResource.login(KafkaLogin.ORCHESTRATOR);
    }

    private ConsumerGroupDescription group(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of("saga-orchestrator")).all().get(30, TimeUnit.SECONDS)
                .get("saga-orchestrator");
    }

    /** How many records of the topic carry this key, read from the start as the operator's tools read. */
    private long recordsIn(String topic, String key) {
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(KafkaResource.login(KafkaLogin.OPERATOR)
                .clientConfig(Map.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            List<TopicPartition> parts = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(parts);
            reader.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = reader.endOffsets(parts);
            long found = 0;
            while (parts.stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
                    found += key.equals(r.key()) ? 1 : 0;
                }
            }
            return found;
        }
    }
}
