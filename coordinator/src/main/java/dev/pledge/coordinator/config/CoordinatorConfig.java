package dev.pledge.coordinator.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.pledge.common.contention.LockPolicy;

@ConfigMapping(prefix = "pledge.coordinator")
public interface CoordinatorConfig {

    /** How long one call to a participant may take. */
    @WithDefault("5s")
    Duration callTimeout();

    /** How long a participant's circuit breaker stays open (calls fail at once) before it tries again. */
    @WithDefault("2s")
    Duration circuitBreakerDelay();

    /**
     * Keep-alive connections to each participant (HTTP/1.1): the most calls in flight to it at once. More wait for
     * a free connection, and that wait counts against the call's time, not against the participant's budget.
     */
    @WithDefault("64")
    int connectionsPerParticipant();

    /**
     * Times a phase-2 message (pre-commit, commit, abort) that got no answer or a 5xx is sent again, 100 ms apart
     * (with up to 50 ms of jitter), before the transaction is left to recovery, which sends it again.
     */
    @WithDefault("4")
    int phaseTwoRetries();

    /** Calls to participants over HTTP/2 (cleartext, upgraded from HTTP/1.1), many on one connection. */
    @WithDefault("false")
    boolean participantHttp2();

    /**
     * How prepares (2PC) and can-commits (3PC) treat a row another branch holds: {@code ordered}, {@code wait-die},
     * {@code no-wait}, or {@code wait}, which lets a distributed deadlock form (docs/protocol-2pc.md). Sent with
     * every prepare, so every participant applies this coordinator's policy.
     */
    @WithDefault("ordered")
    LockPolicy lockPolicy();

    /** Retries of an order whose attempt aborted only because of lock conflicts. */
    ConflictRetries conflictRetries();

    /** How long the prepare phase may take when a request names no timeout. */
    @WithDefault("10s")
    Duration defaultTransactionTimeout();

    /** This coordinator's own base URL, which 3PC participants watch with heartbeats. */
    @WithDefault("http://127.0.0.1:8080")
    String url();

    /**
     * This replica's name in the lease table: stable across its restarts, unique among the replicas sharing
     * the log. Unset, it is the host and port of {@link #url()}.
     */
    Optional<String> nodeId();

    /** The lease each replica holds on its transactions. */
    Lease lease();

    interface Lease {
        /** A replica whose lease has not been renewed for this long is taken for dead, and its work taken over. */
        @WithDefault("5s")
        Duration ttl();

        /** How often a replica renews its lease and looks for expired ones. */
        @WithDefault("1s")
        Duration renewInterval();
    }

    /** How often the coordinator sends each participant a heartbeat. */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** A silence this long on top of the usual heartbeat interval is not yet suspicious. */
    @WithDefault("1s")
    Duration acceptableHeartbeatPause();

    /** The failure detector's level at which a participant is suspected and not asked to vote. */
    @WithDefault("8")
    double phiThreshold();

    /** How often recovery looks for unfinished transactions. */
    @WithDefault("2s")
    Duration recoveryInterval();

    /** Threads that run recovery passes: the most unfinished transactions recovered at once. */
    @WithDefault("16")
    int recoveryThreads();
}
