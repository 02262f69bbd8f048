package dev.pledge.participant.threephase;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.common.liveness.Heartbeat;
import dev.pledge.common.liveness.PhiAccrualDetector;

/**
 * This participant's view of the coordinators it has pending three-phase branches with: a heartbeat
 * (GET /q/health/live) on every check, fed to a phi-accrual failure detector per coordinator.
 */
@ApplicationScoped
public class CoordinatorWatch {
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(400);
    private final Heartbeat heartbeat = new Heartbeat(HEARTBEAT_TIMEOUT);
    private final Map<String, PhiAccrualDetector> detectors = new ConcurrentHashMap<>();

    /** Sends one heartbeat to each coordinator; forgets coordinators with nothing pending. */
    void beat(Set<String> coordinators, long expectedIntervalMs, long acceptablePauseMs) {
        detectors.keySet().retainAll(coordinators);
        for (String url : coordinators) {
            PhiAccrualDetector d = detectors.computeIfAbsent(url, u -> new PhiAccrualDetector(expectedIntervalMs, acceptablePauseMs));
            if (heartbeat.answers(url)) {
                d.heartbeat(System.currentTimeMillis());
            }
        }
    }

    /** Coordinator URL -> phi (capped at 1e6, as JSON has no infinity), for the coordinators watched now. */
    public Map<String, Double> suspicion() {
        Map<String, Double> out = new java.util.TreeMap<>();
        detectors.keySet().forEach(url -> out.put(url, Math.min(phi(url), 1e6)));
        return out;
    }

    /** The suspicion level for a coordinator; infinite when it never answered a heartbeat. */
    public double phi(String coordinatorUrl) {
        PhiAccrualDetector d = detectors.get(coordinatorUrl);
        if (d == null || !d.hasHeartbeat()) {
            return Double.POSITIVE_INFINITY;
        }
        return d.phi(System.currentTimeMillis());
    }
}
