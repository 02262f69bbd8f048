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
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.identity.ServiceIdentity;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.common.protocol.TerminationRule;
import dev.pledge.participant.BranchService;
import dev.pledge.participant.store.BranchLocks;
import dev.pledge.participant.threephase.ThreePhaseStore.Pending;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Three-phase commit's participant-side timeouts and termination protocol. A prepared branch whose wait
 * timeout has passed while its coordinator is suspected (phi above the threshold) asks its peers for their
 * states and decides by {@link TerminationRule}, leaving out the peers that do not answer. A participant that
 * restarted since its branch last moved is a recovering site: it adopts what its peers decided and waits while
 * none has. A coordinator that still answers heartbeats is waited for, however slow: the detector, not one
 * fixed timeout, says it is gone.
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
    BranchLocks locks;
    @Inject
    CrashPoints crashPoints;
    @Inject
    ObjectMapper json;
    @Inject
    ServiceIdentity identity;
    @ConfigProperty(name = "pledge.participant.three-phase.phi-threshold", defaultValue = "8")
    double phiThreshold;
    @ConfigProperty(name = "pledge.participant.three-phase.check-interval", defaultValue = "1s")
    Duration checkInterval;
    @ConfigProperty(name = "pledge.participant.three-phase.acceptable-heartbeat-pause", defaultValue = "1s")
    Duration acceptablePause;

    private volatile Instant startedAt;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PEER_TIMEOUT).build();
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
        PeerQuestions questions = new PeerQuestions(http, json, PEER_TIMEOUT, identity::bearer);
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
        } catch (PeerQuestions.PeerRefused e) {
            LOG.errorf("%s: %s", p.gid(), e.getMessage());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "%s: termination failed; the next check tries again", p.gid());
        }
    }

    @PreDestroy
    void stop() {
        terminations.shutdownNow();
    }

    /**
     * One branch's termination, in the steps the model in docs/model/three-phase.pml checks: read its own state,
     * ask the peers, decide by {@link TerminationRule}; before committing, pre-commit every peer that answered
     * merely prepared; then act under the branch's lock, and only if its own state is still the one it decided
     * from. Anything that moved the branch meanwhile (a pre-commit, the coordinator's decision) sends it back
     * to the next pass.
     */
    private void terminate(Pending p, double phi, PeerQuestions questions) throws SQLException {
        String gid = p.gid();
        BranchState self = branches.stateOf(gid);
        if (self != BranchState.PREPARED && self != BranchState.PRECOMMITTED) {
            return; // ended since the scan
        }
        boolean recovering = p.since().isBefore(startedAt());
        List<Peer> peers = json.convertValue(parse(p.peersJson()), new TypeReference<List<Peer>>() { });
        List<Optional<BranchState>> states = new ArrayList<>();
        List<Peer> merelyPrepared = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Peer peer : peers) {
            if (!peer.gid().equals(gid)) {
                Optional<BranchState> s = questions.stateOf(peer);
                states.add(s);
                seen.add(peer.participant() + "=" + s.map(Enum::name).orElse("unreachable"));
                if (s.equals(Optional.of(BranchState.PREPARED))) {
                    merelyPrepared.add(peer);
                }
            }
        }
        TerminationRule.Outcome outcome = TerminationRule.decide(self, recovering, states);
        String why = String.format("3PC termination protocol: coordinator suspected (phi %s), self %s%s, peers %s -> %s",
                phi > 1000 ? "> 1000" : String.format("%.1f", phi), self, recovering ? " (recovering: restarted since)" : "",
                seen, outcome);
        switch (outcome) {
            case WAIT -> LOG.infof("%s: %s: a recovering participant adopts what the others decided, and none has yet",
                    gid, why);
            case SPLIT -> LOG.errorf("%s: %s: one peer committed and another aborted; atomicity is broken and needs"
                    + " an operator", gid, why);
            case COMMIT -> {
                if (preCommitted(gid, merelyPrepared, questions)) {
                    act(gid, self, true, why);
                }
            }
            case ABORT -> act(gid, self, false, why);
        }
    }

    /** Brings every peer that answered merely prepared to pre-committed; false when one did not get there. */
    private boolean preCommitted(String gid, List<Peer> merelyPrepared, PeerQuestions questions) {
        for (Peer peer : merelyPrepared) {
            Optional<BranchState> s = questions.preCommit(peer);
            if (s.isEmpty() || (s.get() != BranchState.PRECOMMITTED && s.get() != BranchState.COMMITTED)) {
                LOG.infof("%s: 3PC termination protocol: pre-commit of %s before committing answered %s; deciding again"
                        + " on the next pass", gid, peer.participant(), s.map(Enum::name).orElse("nothing"));
                return false;
            }
        }
        return true;
    }

    /** Commits or aborts the branch under its lock, if it is still in the state the decision was taken from. */
    private void act(String gid, BranchState decidedFrom, boolean commit, String why) throws SQLException {
        crashPoints.hit("termination-decided"); // a participant halted mid-termination: it decided, and did nothing
        locks.with(gid, () -> {
            BranchState now = branches.stateOf(gid);
            if (now != decidedFrom) {
                LOG.infof("%s: 3PC termination protocol: the branch moved from %s to %s while its peers were asked;"
                        + " deciding again on the next pass", gid, decidedFrom, now);
                return null;
            }
            LOG.warnf("%s: %s", gid, why);
            return commit ? branches.commit(gid) : branches.abort(gid, why);
        });
    }

    /** When this process started, on its database's clock: a branch that last moved before is recovering. */
    private Instant startedAt() throws SQLException {
        if (startedAt == null) {
            startedAt = store.databaseNow();
        }
        return startedAt;
    }

    void onStart(@Observes StartupEvent event) throws SQLException {
        startedAt();
    }

    private JsonNode parse(String peersJson) {
        try {
            return json.readTree(peersJson);
        } catch (IOException e) {
            throw new IllegalStateException("stored peers are not JSON", e);
        }
    }
}
