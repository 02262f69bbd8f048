package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Kafka broker (KRaft, broker and controller in one JVM) run from the kafka-broker module's jar. Every
 * client logs in (docs/security.md, "Kafka"): the passwords are the stack's secrets {@code kafka.<user>}, made on
 * first use and given to the broker at each start, which sets each user's credential to it.
 */
public final class KafkaBroker extends ManagedProcess {
    /** Every login the broker knows: its own admin, then the services' and the operator's. */
    public static final List<String> USERS = List.of(KafkaLogin.ADMIN, KafkaLogin.ORCHESTRATOR, KafkaLogin.INVENTORY,
            KafkaLogin.PAYMENT, KafkaLogin.OPERATOR);

    private final int controllerPort;
    private final Path jar;
    private final String java;

    public KafkaBroker(String name, int port, int controllerPort, Path stateDir, Path home, String java) {
        super(name, port, stateDir);
        this.controllerPort = controllerPort;
        this.jar = home.resolve("kafka-broker/target/kafka-broker.jar");
        this.java = java;
    }

    @Override
    public String kind() {
        return "kafka";
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port();
    }

    /** The login of one of {@link #USERS}, for a service's settings or a tool's client. */
    public KafkaLogin login(String user) {
        if (!USERS.contains(user)) {
            throw new IllegalArgumentException("no Kafka login " + user + "; the broker knows " + USERS);
        }
        return new KafkaLogin(bootstrapServers(), user, Secrets.of(stateDir()).password("kafka." + user));
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of("PLEDGE_KAFKA_USERS", USERS.stream().map(u -> u + ":" + login(u).password())
                .collect(Collectors.joining(",")));
    }

    private Path dataDir() {
        return stateDir().resolve("data").resolve(name());
    }

    @Override
    protected String marker() {
        return "-Dpledge.component=" + name();
    }

    @Override
    protected void prepare() {
        if (!Files.exists(jar)) {
            throw new StackException("Kafka broker jar missing: " + jar + " (build with ./mvnw package -DskipTests)");
        }
        try {
            Files.deleteIfExists(dataDir().resolve("ready"));
        } catch (IOException e) {
            throw new StackException(name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected List<String> command() {
        return List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", marker(),
                "-jar", jar.toString(), dataDir().toString(), Integer.toString(port()), Integer.toString(controllerPort));
    }

    @Override
    public boolean isReady() {
        return Files.exists(dataDir().resolve("ready")) && Net.accepts(port());
    }
}
