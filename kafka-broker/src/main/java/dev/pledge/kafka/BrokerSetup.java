package dev.pledge.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Brings a started broker to the plan, as its admin: each user's SCRAM credential set to the password it was
 * given (so a new password takes effect on the next start: docs/security.md, "Kafka"), every
 * topic of {@link SagaAcls#topics()} made, and the ACLs made exactly {@link SagaAcls#plan()} (bindings left from
 * an older plan are deleted). Then writes the ready file.
 */
final class BrokerSetup {
    private static final int SCRAM_ITERATIONS = 8192;

    private final int port;
    private final Map<String, String> logins;

    BrokerSetup(int port, Map<String, String> logins) {
        this.port = port;
        this.logins = logins;
    }

    void run(Path ready) {
        Instant start = Instant.now();
        try (Admin admin = Admin.create(adminLogin())) {
            while (!answersMetadata(admin)) {
                Thread.sleep(200);
            }
            credentials(admin);
            topics(admin);
            acls(admin);
            Files.writeString(ready, Instant.now().toString());
            System.out.println("Pledge Kafka broker ready on 127.0.0.1:" + port + " after "
                    + Duration.between(start, Instant.now()).toMillis() + " ms: " + SagaAcls.USERS.size()
                    + " users, " + SagaAcls.topics().size() + " topics, " + SagaAcls.plan().size() + " ACLs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | IOException | RuntimeException e) {
            // no ready file: the launcher waiting for it reports the broker as not ready, with this log line
            System.err.println("Pledge Kafka broker set-up failed, not ready: " + e);
        }
    }

    private Properties adminLogin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pledge-setup-" + UUID.randomUUID());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + SagaAcls.ADMIN + "\" password=\"" + logins.get(SagaAcls.ADMIN) + "\";");
        return props;
    }

    private void credentials(Admin admin) throws InterruptedException, ExecutionException {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (String user : SagaAcls.USERS) {
            upserts.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), logins.get(user)));
        }
        admin.alterUserScramCredentials(upserts).all().get();
    }

    /**
     * Makes Pledge's topics before anyone uses them: a consumer subscribed to a topic that does not exist yet
     * notices it only on its next metadata refresh, which would slow the first messages down.
     */
    private static void topics(Admin admin) throws InterruptedException, ExecutionException {
        List<NewTopic> topics = SagaAcls.topics().stream().map(t -> new NewTopic(t, 3, (short) 1)).toList();
        for (var result : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static void acls(Admin admin) throws InterruptedException, ExecutionException {
        Set<AclBinding> plan = new HashSet<>(SagaAcls.plan());
        List<AclBindingFilter> stale = admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
                .filter(b -> !plan.contains(b)).map(AclBinding::toFilter).toList();
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale).all().get();
        }
        admin.createAcls(plan).all().get();
    }

    private static boolean answersMetadata(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }
}
