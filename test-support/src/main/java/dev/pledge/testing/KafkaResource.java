package dev.pledge.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.pledge.stack.KafkaBroker;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Net;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real single-node Kafka broker (KRaft) as its own process on free ports, with the same logins and
 * ACLs as the local stack's. The service under test logs in as the user named by the init argument
 * {@code user} ({@code @ResourceArg(name = "user", value = "inventory")}); a test's own clients take a login from
 * {@link #login(String)}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private static volatile KafkaBroker current;

    private KafkaBroker broker;
    private String user;

    @Override
    public void init(Map<String, String> initArgs) {
        user = initArgs.get("user");
        if (user == null || !KafkaBroker.USERS.contains(user)) {
            throw new IllegalArgumentException("KafkaResource needs the init argument user, one of "
                    + KafkaBroker.USERS + "; got " + user);
        }
    }

    @Override
    public Map<String, String> start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new KafkaBroker("kafka-test", Net.freePort(), Net.freePort(), StateDirs.fresh("kafka"),
                PledgeHome.locate(), java);
        broker.start();
        broker.awaitReady(Duration.ofSeconds(90));
        current = broker;
        KafkaLogin login = broker.login(user);
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "pledge.kafka.username", login.user(),
                "pledge.kafka.password", login.password());
    }

    /** A login to the running test broker, for a test's own producers, consumers and admin clients. */
    public static KafkaLogin login(String user) {
        KafkaBroker broker = current;
        if (broker == null) {
            throw new IllegalStateException("no test Kafka broker is running");
        }
        return broker.login(user);
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(15));
            current = null;
        }
    }
}
