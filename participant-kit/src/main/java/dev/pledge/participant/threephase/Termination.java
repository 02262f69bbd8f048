package dev.pledge.participant.threephase;

import java.io.IOException;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.participant.BranchService;
import dev.pledge.participant.protocol.BranchState;
import dev.pledge.participant.threephase.ThreePhaseStore.Pending;
import io.quarkus.scheduler.Scheduled;

/**
 * Three-phase commit's participant-side timeouts and termination protocol. A prepared branch whose wait
 * timeout has passed while its coordinator is suspected (phi above the threshold) asks its peers for their
 * states and decides by {@link TerminationRule}; with no peer reachable, the protocol's own timeout rule
 * applies (prepared: abort; pre-committed: commit). A coordinator that still answers heartbeats is waited
 * for, however slow: the detector, not one fixed timeout, says it is gone.
 */
@ApplicationScoped
public class Termination {
    private static final Logger LOG = Logger.getLogger(Termination.class);
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(1);
    /** Below the connection pool's size, so terminations leave connections for everything else. */
    private static final int TERMINATION_THREADS = 4;

    @Inject
    ThreePhaseStore store;
    @Inject
    CoordinatorWatch watch;
    @Inject
    BranchService branches;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "pledge.participant.three-phase.phi-threshold", defaultValue = "8")
    double phiThreshold;
    @ConfigProperty(name = "pledge.participant.three-phase.check-interval", defaultValue = "1s")
    Duration checkInterval;
    @ConfigProperty(name = "pledge.participant.three-phase.acceptable-heartbeat-pause", defaultValue = "1s")
    Duration acceptablePause;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();
    private final ExecutorService terminations = Executors.newFixedThreadPool(TERMINATION_THREADS, r -> {
        Thread t = new Thread(r, "3pc-termination");
        t.setDaemon(true);
        return t;
    });

    @Scheduled(every = "${pledge.participant.three-phase.check-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            scanOnce();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "three-phase termination check failed; the next check tries again");
        }
    }

    /**
     * One pass: heartbeats, then termination of every branch that waited long enough. The branches due are
     * terminated in parallel, and a peer that does not answer costs its timeout once per pass, not once per branch.
     */
    public int scanOnce() throws SQLException {
        List<Pending> pending = store.pending();
        watch.beat(pending.stream().map(Pending::coordinatorUrl).collect(Collectors.toSet()), checkInterval.toMillis(),
                acceptablePause.toMillis());
        List<CompletableFuture<Void>> due = new ArrayList<>();
        PeerQuestions questions = new PeerQuestions(http, json, PEER_TIMEOUT);
        for (Pending p : pending) {
            long waited = Duration.between(p.since(), Instant.now()).toMillis();
            double phi = watch.phi(p.coordinatorUrl());
            if (waited >= p.waitTimeoutMs() && phi >= phiThreshold) {
                due.add(CompletableFuture.runAsync(() -> terminateQuietly(p, phi, questions), terminations));
            }
        }
        due.forEach(CompletableFuture::join);
        return due.size();
    }

    private void terminateQuietly(Pending p, double phi, PeerQuestions questions) {
        try {
            terminate(p, phi, questions);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "%s: termination failed; the next check tries again", p.gid());
        }
    }

    @PreDestroy
    void stop() {
        terminations.shutdownNow();
    }

    private void terminate(Pending p, double phi, PeerQuestions questions) throws SQLException {
        List<Peer> peers = json.convertValue(parse(p.peersJson()), new TypeReference<List<Peer>>() { });
        List<Optional<BranchState>> states = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Peer peer : peers) {
            if (!peer.gid().equals(p.gid())) {
                Optional<BranchState> s = questions.stateOf(peer);
                states.add(s);
                seen.add(peer.participant() + "=" + s.map(Enum::name).orElse("unreachable"));
            }
        }
        BranchState self = p.precommitted() ? BranchState.PRECOMMITTED : BranchState.PREPARED;
        TerminationRule.Outcome outcome = TerminationRule.decide(self, states);
        String why = String.format("3PC termination protocol: coordinator suspected (phi %s), self %s, peers %s -> %s",
                phi > 1000 ? "> 1000" : String.format("%.1f", phi), self, seen, outcome);
        LOG.warnf("%s: %s", p.gid(), why);
        if (outcome == TerminationRule.Outcome.COMMIT) {
            branches.commit(p.gid());
        } else {
            branches.abort(p.gid(), why);
        }
    }

    private JsonNode parse(String peersJson) {
        try {
            return json.readTree(peersJson);
        } catch (IOException e) {
            throw new IllegalStateException("stored peers are not JSON", e);
        }
    }
}
