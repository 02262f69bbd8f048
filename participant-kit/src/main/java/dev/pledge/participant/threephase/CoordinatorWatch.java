package dev.pledge.participant.threephase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.common.liveness.PhiAccrualDetector;

/**
 * This participant's view of the coordinators it has pending three-phase branches with: a heartbeat
 * (GET /q/health/live) on every check, fed to a phi-accrual failure detector per coordinator.
 */
@ApplicationScoped
public class CoordinatorWatch {
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(400);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEARTBEAT_TIMEOUT).build();
    private final Map<String, PhiAccrualDetector> detectors = new ConcurrentHashMap<>();

    /** Sends one heartbeat to each coordinator; forgets coordinators with nothing pending. */
    void beat(Set<String> coordinators, long expectedIntervalMs, long acceptablePauseMs) {
        detectors.keySet().retainAll(coordinators);
        for (String url : coordinators) {
            PhiAccrualDetector d = detectors.computeIfAbsent(url, u -> new PhiAccrualDetector(expectedIntervalMs, acceptablePauseMs));
            if (alive(url)) {
                d.heartbeat(System.currentTimeMillis());
            }
        }
    }

    /** The suspicion level for a coordinator; infinite when it never answered a heartbeat. */
    public double phi(String coordinatorUrl) {
        PhiAccrualDetector d = detectors.get(coordinatorUrl);
        if (d == null || !d.hasHeartbeat()) {
            return Double.POSITIVE_INFINITY;
        }
        return d.phi(System.currentTimeMillis());
    }

    public Map<String, Double> suspicion() {
        Map<String, Double> out = new ConcurrentHashMap<>();
        detectors.keySet().forEach(url -> out.put(url, phi(url)));
        return out;
    }

    private boolean alive(String url) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/q/health/live")).timeout(HEARTBEAT_TIMEOUT).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
