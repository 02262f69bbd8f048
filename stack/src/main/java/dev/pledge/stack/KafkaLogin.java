package dev.pledge.stack;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One principal's login to the local broker (docs/security.md, "Kafka"): SCRAM-SHA-512 over SASL_PLAINTEXT on
 * loopback, or PLAIN for the broker's own admin, whose credential must work before any SCRAM one exists.
 * {@link #clientConfig()} is what a Kafka producer, consumer or admin client needs on top of its own settings.
 */
public record KafkaLogin(String bootstrapServers, String user, String password) {
    /** The services' and tools' logins; the broker's own is {@code admin}. Same names as the broker's plan. */
    public static final String ORCHESTRATOR = "saga-orchestrator";
    public static final String INVENTORY = "inventory";
    public static final String PAYMENT = "payment";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    /** Consumer groups of the operator's tools start with this; the operator may read no other group. */
    public static final String TOOL_GROUPS = "pledge-tools-";

    public KafkaLogin {
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("the Kafka login of " + user + " has no password");
        }
    }

    /** A consumer group name for one of the operator's tools. */
    public static String toolGroup(String name) {
        return TOOL_GROUPS + name;
    }

    public Map<String, Object> clientConfig() {
        return Map.of("bootstrap.servers", bootstrapServers, "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", mechanism(), "sasl.jaas.config", jaasConfig());
    }

    public String mechanism() {
        return ADMIN.equals(user) ? "PLAIN" : "SCRAM-SHA-512";
    }

    /** {@link #clientConfig()} with a client's own settings added. */
    public Map<String, Object> clientConfig(Map<String, ?> own) {
        Map<String, Object> all = new HashMap<>(clientConfig());
        all.putAll(own);
        return all;
    }

    /** The same settings as {@link java.util.Properties}, with a client's own added. */
    public Properties properties(Map<String, ?> own) {
        Properties p = new Properties();
        p.putAll(clientConfig(own));
        return p;
    }

    /** The JAAS line the Kafka client reads its login from. */
    private String jaasConfig() {
        String module = ADMIN.equals(user) ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return "KafkaLogin[" + user + "@" + bootstrapServers + "]"; // never the password
    }
}
