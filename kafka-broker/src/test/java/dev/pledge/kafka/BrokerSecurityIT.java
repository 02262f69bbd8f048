package dev.pledge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pledge.stack.FileTrees;
import dev.pledge.stack.KafkaBroker;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Net;

/**
 * Pledge's broker as the local stack starts it, tried as each principal (docs/security.md, "Kafka"): no login
 * and a wrong password are refused at the handshake; each service may do what its role needs and nothing else;
 * a new password takes effect on the next start and the ACLs are set back to the plan.
 */
class BrokerSecurityIT {
    private static KafkaBroker broker;
    private static Path state;
    private static int controllerPort;

    @BeforeAll
    static void start() throws Exception {
        state = Path.of("target", "broker-security-" + ProcessHandle.current().pid()).toAbsolutePath();
        FileTrees.delete(state);
        Files.createDirectories(state);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        controllerPort = Net.freePort();
        broker = new KafkaBroker("kafka-security", Net.freePort(), controllerPort, state,
                Path.of(System.getProperty("pledge.home", "..")).toAbsolutePath().normalize(), java);
        broker.start();
        broker.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(15));
        }
    }

    @Test
    void aClientWithoutALoginIsRefusedOnEitherListener() throws Exception {
        try (Admin anonymous = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers(),
                "default.api.timeout.ms", 4000, "request.timeout.ms", 2000))) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        try (Admin anonymous = Admin.create(Map.<String, Object>of("bootstrap.controllers",
                "127.0.0.1:" + controllerPort, "default.api.timeout.ms", 4000, "request.timeout.ms", 2000))) {
            assertThatThrownBy(() -> anonymous.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        try (Admin loggedIn = Admin.create(broker.login(KafkaLogin.INVENTORY).clientConfig())) {
            assertThat(loggedIn.listTopics().names().get(15, TimeUnit.SECONDS))
                    .as("the same broker answers a login").contains(SagaAcls.INVENTORY_COMMANDS);
        }
    }

    @Test
    void aWrongPasswordIsRefusedAtTheHandshake() {
        KafkaLogin wrong = new KafkaLogin(broker.bootstrapServers(), KafkaLogin.INVENTORY, "not-the-password-1");
        try (Admin admin = Admin.create(wrong.clientConfig(Map.of("default.api.timeout.ms", 10000, "request.timeout.ms", 5000)))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aCommandTravelsFromTheOrchestratorToItsParticipantAndTheReplyBack() throws Exception {
        String saga = UUID.randomUUID().toString();
        send(KafkaLogin.ORCHESTRATOR, SagaAcls.INVENTORY_COMMANDS, saga);
        assertThat(read(KafkaLogin.INVENTORY, "participant-inventory", SagaAcls.INVENTORY_COMMANDS, saga)).isTrue();
        send(KafkaLogin.INVENTORY, SagaAcls.REPLIES, saga);
        assertThat(read(KafkaLogin.ORCHESTRATOR, "saga-orchestrator", SagaAcls.REPLIES, saga)).isTrue();
    }

    @Test
    void aParticipantReadsNeitherAnotherParticipantsCommandsNorTheReplies() {
        assertThatThrownBy(() -> read(KafkaLogin.INVENTORY, "participant-inventory", SagaAcls.PAYMENT_COMMANDS, "x"))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(KafkaLogin.PAYMENT, "participant-payment", SagaAcls.REPLIES, "x"))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void onlyTheOrchestratorSendsCommands() {
        for (String participant : List.of(KafkaLogin.INVENTORY, KafkaLogin.PAYMENT)) {
            assertThatThrownBy(() -> send(participant, SagaAcls.PAYMENT_COMMANDS, "x"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> send(participant, SagaAcls.INVENTORY_COMMANDS, "x"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aServiceReadsOnlyInItsOwnConsumerGroups() {
        assertThatThrownBy(() -> read(KafkaLogin.PAYMENT, "participant-inventory", SagaAcls.EVENTS, "x"))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThatThrownBy(() -> read(KafkaLogin.OPERATOR, "saga-orchestrator", SagaAcls.REPLIES, "x"))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void noServiceOrToolChangesTopicsOrAcls() {
        for (String user : List.of(KafkaLogin.ORCHESTRATOR, KafkaLogin.INVENTORY, KafkaLogin.OPERATOR)) {
            try (Admin admin = Admin.create(broker.login(user).clientConfig())) {
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("saga.extra", 1, (short) 1)))
                        .all().get(15, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
                assertThatThrownBy(() -> admin.createAcls(List.of(extraAcl())).all().get(15, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(ClusterAuthorizationException.class);
            }
        }
    }

    /**
     * Rotation (docs/security.md): a changed password is taken at the next start and the old one refused; a
     * binding outside the plan, added behind Pledge's back, is gone after the start.
     */
    @Test
    void aRestartTakesTheNewPasswordAndSetsTheAclsBackToThePlan() throws Exception {
        KafkaLogin before = broker.login(KafkaLogin.PAYMENT);
        try (Admin admin = Admin.create(adminLogin())) {
            admin.createAcls(List.of(extraAcl())).all().get(15, TimeUnit.SECONDS);
            assertThat(admin.describeAcls(extraAcl().toFilter()).values().get(15, TimeUnit.SECONDS)).hasSize(1);
        }
        Files.writeString(state.resolve("secrets").resolve("kafka." + KafkaLogin.PAYMENT), "a-rotated-password-42");
        broker.stop(Duration.ofSeconds(15));
        broker.start();
        broker.awaitReady(Duration.ofSeconds(90));

        try (Admin admin = Admin.create(adminLogin())) {
            assertThat(admin.describeAcls(extraAcl().toFilter()).values().get(15, TimeUnit.SECONDS)).isEmpty();
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(15, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrderElementsOf(SagaAcls.plan());
        }
        assertThat(broker.login(KafkaLogin.PAYMENT).password()).isEqualTo("a-rotated-password-42");
        send(KafkaLogin.PAYMENT, SagaAcls.REPLIES, "after-rotation");
        try (Admin old = Admin.create(before.clientConfig(Map.of("default.api.timeout.ms", 10000, "request.timeout.ms", 5000)))) {
            assertThatThrownBy(() -> old.listTopics().names().get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static AclBinding extraAcl() {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, SagaAcls.PAYMENT_COMMANDS, PatternType.LITERAL),
                new AccessControlEntry("User:" + KafkaLogin.INVENTORY, "*", AclOperation.READ, AclPermissionType.ALLOW));
    }

    /** The broker's own login: PLAIN, as the admin (its password is the stack's secret kafka.admin). */
    private static Map<String, Object> adminLogin() {
        return broker.login(KafkaLogin.ADMIN).clientConfig(Map.of("default.api.timeout.ms", 15000,
                "request.timeout.ms", 5000));
    }

    private static void send(String user, String topic, String key) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.login(user).clientConfig(Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000)), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, "{}")).get(20, TimeUnit.SECONDS);
        }
    }

    /** Reads a topic from its start, in the given group, until the record with this key turns up (at most 30 s). */
    private static boolean read(String user, String group, String topic, String key) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.login(user).clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
