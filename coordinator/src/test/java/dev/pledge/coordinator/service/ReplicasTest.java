package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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

/** This replica's lease as the table answers it, and what the replica does about each answer. */
class ReplicasTest {
    private static final String NODE = "coordinator-1";

    /** A lease table that answers renewals as scripted, and counts what was asked of it. */
    static final class ScriptedLeases extends Leases {
        final Deque<Renewal.Outcome> renewals = new ArrayDeque<>();
        int acquired;
        int renewed;
        int takeOvers;

        @Override
        public Acquired acquire(String node, UUID incarnation, String url, Duration ttl) {
            acquired++;
            return new Acquired(false, 0, Instant.now().plus(ttl));
        }

        @Override
        public Renewal renew(String node, UUID incarnation, Duration ttl) {
            renewed++;
            Renewal.Outcome outcome = renewals.isEmpty() ? Renewal.Outcome.RENEWED : renewals.poll();
            return new Renewal(outcome, outcome == Renewal.Outcome.RENEWED ? Instant.now().plus(ttl) : null);
        }

        @Override
        public List<Taken> takeOver(String node) {
            takeOvers++;
            return List.of();
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

    @Test
    void standsDownForGoodWhenANewerProcessHoldsTheLeaseUnderItsNodeId() {
        Replicas replicas = started(Duration.ofSeconds(5), Duration.ofSeconds(1));
        leases.renewals.add(Renewal.Outcome.HELD_BY_ANOTHER_PROCESS);

        replicas.periodically();
        replicas.periodically();

        assertThat(replicas.stoodDown()).isTrue();
        assertThat(replicas.holdsLease()).isFalse();
        assertThat(replicas.notHeldBecause().orElseThrow()).contains("another process runs under node id " + NODE)
                .contains("pledge.coordinator.node-id");
        assertThat(check(replicas).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(leases.acquired).as("never takes the lease back").isEqualTo(1);
        assertThat(leases.renewed).as("renews nothing after standing down").isEqualTo(1);
        assertThat(leases.takeOvers).as("takes nothing over").isZero();
    }

    /**
     * The scheduler starts before the replica's start-up observer: a pass that ran before the first acquire
     * found the previous process's incarnation in the row, and a restarted coordinator stood down for good.
     */
    @Test
    void aScheduledPassBeforeStartUpHasTakenTheLeaseDoesNothing() {
        Replicas replicas = replicas(Duration.ofSeconds(5), Duration.ofSeconds(1));
        leases.renewals.add(Renewal.Outcome.HELD_BY_ANOTHER_PROCESS);

        replicas.periodically();
        replicas.onStart(new StartupEvent());

        assertThat(leases.renewed).as("renews nothing before the lease is taken").isZero();
        assertThat(leases.takeOvers).isZero();
        assertThat(replicas.stoodDown()).isFalse();
        assertThat(replicas.holdsLease()).isTrue();
    }

    @Test
    void takesANewLeaseWhenAnotherReplicaRemovedItsExpiredOne() {
        Replicas replicas = started(Duration.ofSeconds(5), Duration.ofSeconds(1));
        leases.renewals.add(Renewal.Outcome.GONE);

        replicas.periodically();

        assertThat(leases.acquired).isEqualTo(2);
        assertThat(replicas.stoodDown()).isFalse();
        assertThat(replicas.holdsLease()).isTrue();
        assertThat(leases.takeOvers).isEqualTo(1);
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
