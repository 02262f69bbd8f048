package dev.pledge.coordinator.client;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.common.liveness.Heartbeat;
import dev.pledge.common.liveness.PhiAccrualDetector;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.ParticipantsConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Heartbeats to every participant the coordinator knows (GET /q/health/live), each feeding a phi-accrual
 * failure detector. A suspected participant is not asked to vote (the call fails at once, as a NO), and its
 * suspicion level is shown by GET /participants and ./pledge status.
 */
@ApplicationScoped
public class ParticipantWatch {
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private final Heartbeat heartbeat = new Heartbeat(TIMEOUT);
    private final Map<String, PhiAccrualDetector> byUrl = new ConcurrentHashMap<>();
    private final ParticipantsConfig participants;
    private final double threshold;
    private final long intervalMs;
    private final long acceptablePauseMs;

    public ParticipantWatch(ParticipantsConfig participants, CoordinatorConfig config) {
        this.participants = participants;
        this.threshold = config.phiThreshold();
        this.intervalMs = config.heartbeatInterval().toMillis();
        this.acceptablePauseMs = config.acceptableHeartbeatPause().toMillis();
    }

    /** What GET /participants shows for one participant. */
    public record Liveness(String name, String url, Double phi, boolean suspected, Long lastHeartbeatAgoMs,
                           String circuit) {
    }

    @Scheduled(every = "${pledge.coordinator.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        participants.byName().values().forEach(e -> {
            PhiAccrualDetector d = byUrl.computeIfAbsent(e.url(), u -> new PhiAccrualDetector(intervalMs, acceptablePauseMs));
            if (heartbeat.answers(e.url())) {
                d.heartbeat(System.currentTimeMillis());
            }
        });
    }

    /** The suspicion level of a participant at this URL; empty for one not watched. */
    public Optional<Double> phi(String url) {
        PhiAccrualDetector d = byUrl.get(url);
        if (d == null || !d.hasHeartbeat()) {
            return Optional.empty();
        }
        return Optional.of(d.phi(System.currentTimeMillis()));
    }

    public boolean suspected(String url) {
        return phi(url).map(p -> p >= threshold).orElse(false);
    }

    /**
     * A suspected participant gets one fresh heartbeat before it is written off, so one that has just
     * come back is asked again at once rather than at the next scheduled beat.
     *
     * @return true when it is still suspected after that heartbeat
     */
    public boolean stillSuspectedAfterProbe(String url) {
        if (!suspected(url)) {
            return false;
        }
        PhiAccrualDetector d = byUrl.get(url);
        if (d != null && heartbeat.answers(url)) {
            d.heartbeat(System.currentTimeMillis());
        }
        return suspected(url);
    }

    /** @param circuits circuit breaker state by participant URL (absent: CLOSED) */
    public java.util.List<Liveness> all(Map<String, String> circuits) {
        long now = System.currentTimeMillis();
        return participants.byName().entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            PhiAccrualDetector d = byUrl.get(e.getValue().url());
            boolean seen = d != null && d.hasHeartbeat();
            Double phi = seen ? round(d.phi(now)) : null;
            return new Liveness(e.getKey(), e.getValue().url(), phi, phi != null && phi >= threshold,
                    seen ? now - d.lastHeartbeat() : null, circuits.getOrDefault(e.getValue().url(), "CLOSED"));
        }).toList();
    }

    private static double round(double phi) {
        return Double.isInfinite(phi) || phi > 1e6 ? 1e6 : Math.round(phi * 100) / 100.0;
    }
}
