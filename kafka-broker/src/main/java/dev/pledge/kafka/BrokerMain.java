package dev.pledge.kafka;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;

/**
 * Runs one Apache Kafka broker in KRaft mode (broker and controller in one process), with every listener behind
 * SASL and every client held to {@link SagaAcls}.
 *
 * <p>Usage: {@code BrokerMain <data-dir> <port> <controller-port>}, with the logins in the environment variable
 * {@value #USERS_ENV} as {@code name:password} pairs separated by commas: {@code admin} (the broker's own
 * login, PLAIN) and every user of {@link SagaAcls#USERS} (SCRAM-SHA-512). On first start the storage is formatted
 * with a cluster id kept in {@code <data-dir>/cluster.id}; later starts reuse it. Once the broker answers, the
 * users' credentials, the topics and the ACLs are set to the plan, then the file {@code <data-dir>/ready} is
 * written and a line is logged, so a launcher can wait on a signal instead of a sleep.
 */
public final class BrokerMain {
    public static final String USERS_ENV = "PLEDGE_KAFKA_USERS";

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <data-dir> <port> <controller-port>  (logins in " + USERS_ENV + ")");
            System.exit(2);
        }
        Map<String, String> logins;
        try {
            logins = logins(System.getenv(USERS_ENV));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Files.createDirectories(dataDir);
        // its records and the users' salted SCRAM keys are the owner's alone
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Path ready = dataDir.resolve("ready");
        Files.deleteIfExists(ready);

        Path config = writeConfig(dataDir, port, controllerPort, logins.get(SagaAcls.ADMIN));
        Path logDir = dataDir.resolve("log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, clusterId(dataDir));
        }
        Thread setup = new Thread(() -> new BrokerSetup(port, logins).run(ready), "pledge-broker-setup");
        setup.setDaemon(true);
        setup.start();
        kafka.Kafka.main(new String[] {config.toString()});
    }

    /** Parses {@code name:password,...}; the admin and every user of the plan must be there. */
    static Map<String, String> logins(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(USERS_ENV + " is not set: the broker needs the logins of "
                    + SagaAcls.ADMIN + " and " + SagaAcls.USERS + " as name:password pairs separated by commas");
        }
        Map<String, String> logins = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException(USERS_ENV + ": expected name:password, got an entry of "
                        + pair.length() + " characters without both");
            }
            String user = pair.substring(0, colon);
            String password = pair.substring(colon + 1);
            // name only a user the broker knows: text in the user's place may be a password written first
            String named = user.equals(SagaAcls.ADMIN) || SagaAcls.USERS.contains(user) ? user : "an unknown user";
            if (!SagaAcls.ADMIN.equals(user) && !SagaAcls.USERS.contains(user)) {
                throw new IllegalArgumentException(USERS_ENV + " has a login for " + named + "; the broker knows "
                        + SagaAcls.ADMIN + " and " + SagaAcls.USERS);
            }
            if (!password.matches("[A-Za-z0-9_.~+/=-]{12,}")) {
                throw new IllegalArgumentException(USERS_ENV + ": the password of " + named
                        + " must be at least 12 characters of letters, digits and _.~+/=-");
            }
            logins.put(user, password);
        }
        for (String user : Stream.concat(Stream.of(SagaAcls.ADMIN), SagaAcls.USERS.stream()).toList()) {
            if (!logins.containsKey(user)) {
                throw new IllegalArgumentException(USERS_ENV + " has no login for " + user);
            }
        }
        return logins;
    }

    /**
     * The broker's settings. Clients log in with SCRAM-SHA-512 on the CLIENT listener; the broker itself (to its
     * controller, and as the admin that sets up users, topics and ACLs) with PLAIN, whose only user is
     * {@code admin}, so SCRAM credentials never need to exist before the broker can start.
     */
    static Properties config(Path dataDir, int port, int controllerPort, String adminPassword) {
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                + adminPassword + "\" user_admin=\"" + adminPassword + "\";";
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "CLIENT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "CLIENT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "CLIENT"),
                Map.entry("sasl.mechanism.inter.broker.protocol", "PLAIN"),
                Map.entry("sasl.mechanism.controller.protocol", "PLAIN"),
                Map.entry("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN"),
                Map.entry("listener.name.client.plain.sasl.jaas.config", plain),
                Map.entry("listener.name.client.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                Map.entry("listener.name.controller.sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.controller.plain.sasl.jaas.config", plain),
                Map.entry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                Map.entry("super.users", "User:" + SagaAcls.ADMIN),
                Map.entry("allow.everyone.if.no.acl.found", "false"),
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
                // every topic is made at start-up (SagaAcls.topics) or by the operator's tools
                Map.entry("auto.create.topics.enable", "false")));
        return p;
    }

    /** Writes the settings to a file only its owner may read: it holds the admin's password. */
    private static Path writeConfig(Path dataDir, int port, int controllerPort, String adminPassword)
            throws IOException {
        Path config = dataDir.resolve("server.properties");
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(config, StandardOpenOption.TRUNCATE_EXISTING)) {
            config(dataDir, port, controllerPort, adminPassword).store(w, "written by Pledge on every start");
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
}
