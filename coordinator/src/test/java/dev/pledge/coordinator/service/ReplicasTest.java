package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.coordinator.health.LeaseCheck;
import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.log.Leases.Renewal;
import io.quarkus.runtime.StartupEvent;

/** Whether this replica is sure of its lease, as its readiness check reports it. */
class ReplicasTest {
    private static final String NODE = "coordinator-1";

    /** A lease table that grants every lease. */
    static final class ScriptedLeases extends Leases {
        @Override
        public Acquired acquire(String node, UUID incarnation, String url, Duration ttl) {
            return new Acquired(false, 0, Instant.now().plus(ttl));
        }

        @Override
        public Renewal renew(String node, UUID incarnation, Duration ttl) {
            return new Renewal(Renewal.Outcome.RENEWED, Instant.now().plus(ttl));
        }
    }

    private final ScriptedLeases leases = new ScriptedLeases();

    @Test
    void isNotReadyBeforeStartUpHasTakenTheLease() {
        Replicas replicas = replicas(Duration.ofSeconds(5), Duration.ofSeconds(1));

        assertThat(replicas.holdsLease()).isFalse();
        assertThat(replicas.notHeldBecause()).contains("no lease yet");
        assertThat(check(replicas).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void isReadyWithItsNodeAndExpiryOnceItHoldsTheLease() {
        Replicas replicas = started(Duration.ofSeconds(5), Duration.ofSeconds(1));

        HealthCheckResponse check = check(replicas);
        assertThat(check.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(check.getName()).isEqualTo("lease");
        assertThat(check.getData().orElseThrow()).containsEntry("node", NODE)
                .containsEntry("expires-at", replicas.expiresAt().toString());
    }

    @Test
    void isNotReadyOnceTheLeaseWasNotRenewedForLongerThanItIsSureOf() {
        Replicas replicas = started(Duration.ofMillis(40), Duration.ofMillis(20));

        await().atMost(Duration.ofSeconds(5)).until(() -> !replicas.holdsLease());
        assertThat(replicas.notHeldBecause().orElseThrow()).matches("lease not renewed for \\d+ ms");
        HealthCheckResponse check = check(replicas);
        assertThat(check.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(check.getData().orElseThrow()).containsEntry("node", NODE);
        assertThat((String) check.getData().orElseThrow().get("reason")).startsWith("lease not renewed for");
    }

    private Replicas started(Duration ttl, Duration renew) {
        Replicas replicas = replicas(ttl, renew);
        replicas.onStart(new StartupEvent());
        return replicas;
    }

    private Replicas replicas(Duration ttl, Duration renew) {
        CoordinatorConfig config = config(ttl, renew);
        Replicas replicas = new Replicas(config);
        replicas.leases = leases;
        replicas.node = new NodeIdentity(config);
        return replicas;
    }

    private static HealthCheckResponse check(Replicas replicas) {
        return new LeaseCheck(replicas).call();
    }

    private static CoordinatorConfig config(Duration ttl, Duration renew) {
        CoordinatorConfig.Lease lease = (CoordinatorConfig.Lease) Proxy.newProxyInstance(CoordinatorConfig.class.getClassLoader(),
                new Class<?>[] {CoordinatorConfig.Lease.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "ttl" -> ttl;
                    case "renewInterval" -> renew;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (CoordinatorConfig) Proxy.newProxyInstance(CoordinatorConfig.class.getClassLoader(),
                new Class<?>[] {CoordinatorConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "url" -> "http://127.0.0.1:8080";
                    case "nodeId" -> Optional.of(NODE);
                    case "lease" -> lease;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
