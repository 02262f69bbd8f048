package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Kafka broker (KRaft, broker and controller in one JVM) run from the kafka-broker module's jar. */
public final class KafkaBroker extends ManagedProcess {
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
