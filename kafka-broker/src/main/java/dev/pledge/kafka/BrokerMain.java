package dev.pledge.kafka;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Runs one Apache Kafka broker in KRaft mode (broker and controller in one process).
 *
 * <p>Usage: {@code BrokerMain <data-dir> <port> <controller-port>}. On first start the storage is
 * formatted with a cluster id kept in {@code <data-dir>/cluster.id}; later starts reuse it. Once the
 * broker answers a metadata request, the file {@code <data-dir>/ready} is written and a line is logged,
 * so a launcher can wait on a signal instead of a sleep.
 */
public final class BrokerMain {
    /** Commands per participant, replies, and the events of choreographed sagas. */
    static final List<String> SAGA_TOPICS = List.of("saga.inventory.commands", "saga.payment.commands", "saga.replies",
            "saga.order.events");

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <data-dir> <port> <controller-port>");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Files.createDirectories(dataDir);
        Path ready = dataDir.resolve("ready");
        Files.deleteIfExists(ready);

        Path config = writeConfig(dataDir, port, controllerPort);
        Path logDir = dataDir.resolve("log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, clusterId(dataDir));
        }
        Thread waiter = new Thread(() -> signalWhenReady(port, ready), "pledge-ready-signal");
        waiter.setDaemon(true);
        waiter.start();
        kafka.Kafka.main(new String[] {config.toString()});
    }

    private static Path writeConfig(Path dataDir, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dataDir.resolve("log").toString()),
                Map.entry("num.partitions", "3"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "3"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "3"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "true")));
        Path config = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "written by Pledge on every start");
        }
        return config;
    }

    private static String clusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    private static void format(Path config, String clusterId) {
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"},
                System.out);
        if (rc != 0) {
            System.err.println("Kafka storage format failed with exit code " + rc);
            System.exit(rc);
        }
    }

    private static void signalWhenReady(int port, Path ready) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pledge-ready-" + UUID.randomUUID());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        Instant start = Instant.now();
        try (Admin admin = Admin.create(props)) {
            while (!answersMetadata(admin)) {
                Thread.sleep(200);
            }
            createSagaTopics(admin);
            Files.writeString(ready, Instant.now().toString());
            System.out.println("Pledge Kafka broker ready on 127.0.0.1:" + port + " after "
                    + Duration.between(start, Instant.now()).toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("could not write the ready signal: " + e);
        }
    }

    /**
     * Creates Pledge's saga topics before anyone uses them: a consumer subscribed to a topic that does not
     * exist yet notices it only on its next metadata refresh, which would slow the first messages down.
     */
    private static void createSagaTopics(Admin admin) throws InterruptedException {
        List<NewTopic> topics = SAGA_TOPICS.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList();
        for (var result : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    System.err.println("could not create topic " + result.getKey() + ": " + e.getCause());
                }
            }
        }
    }

    private static boolean answersMetadata(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }
}
