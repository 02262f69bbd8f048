package dev.pledge.saga.health;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Kafka broker answers: sagas cannot move without it. Names the instance, so a check
 * through a balancer shows which instance answered.
 */
@Readiness
@ApplicationScoped
public class KafkaBrokerCheck implements HealthCheck {
    private final String bootstrap;
    private final String instance;
    /** The service's own login, as its producers and consumers use it. */
    private final Map<String, Object> login;
    private Admin admin;

    public KafkaBrokerCheck(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                            @ConfigProperty(name = "pledge.saga.instance-id") String instance,
                            @ConfigProperty(name = "kafka.security.protocol") String protocol,
                            @ConfigProperty(name = "kafka.sasl.mechanism") String mechanism,
                            @ConfigProperty(name = "kafka.sasl.jaas.config") String jaas) {
        this.bootstrap = bootstrap;
        this.instance = instance;
        this.login = Map.of(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, protocol, SaslConfigs.SASL_MECHANISM, mechanism,
                SaslConfigs.SASL_JAAS_CONFIG, jaas);
    }

    @Override
    public HealthCheckResponse call() {
        try {
            int nodes = admin().describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
            return HealthCheckResponse.named("kafka").up().withData("bootstrap", bootstrap).withData("nodes", nodes)
                    .withData("instance", instance).build();
        } catch (Exception e) {
            return HealthCheckResponse.named("kafka").down().withData("bootstrap", bootstrap)
                    .withData("instance", instance).withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(login);
            config.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.CLIENT_ID_CONFIG, "saga-orchestrator-health"));
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
