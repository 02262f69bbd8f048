package dev.pledge.coordinator.health;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.pledge.coordinator.service.Replicas;

/**
 * Ready only while this replica is sure its lease is live, which is when it begins transactions: so a
 * balancer sends nothing to a replica that has no lease yet (before start-up has taken it), cannot renew it,
 * or stood down for a newer process under its node id. Names the node, so a check through a balancer shows
 * which replica answered.
 */
@Readiness
@ApplicationScoped
public class LeaseCheck implements HealthCheck {
    private final Replicas replicas;

    public LeaseCheck(Replicas replicas) {
        this.replicas = replicas;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("lease").withData("node", replicas.nodeId());
        Optional<String> notHeld = replicas.notHeldBecause();
        if (notHeld.isPresent()) {
            return check.down().withData("reason", notHeld.get()).build();
        }
        return check.up().withData("expires-at", String.valueOf(replicas.expiresAt())).build();
    }
}
