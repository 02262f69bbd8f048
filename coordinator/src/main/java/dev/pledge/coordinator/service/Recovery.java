package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import dev.pledge.common.tracing.Traces;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.coordinator.config.Pools;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.log.TakenOver;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.TxState;
import io.opentelemetry.context.Scope;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.scheduler.Scheduled;

/**
 * Drives every unfinished transaction this replica owns to its end: at start-up, periodically, and as soon
 * as it takes transactions over from a dead replica (see {@link Replicas}). Undecided ones
 * abort (presumed abort: no participant can have committed without a logged decision); decided ones are
 * re-sent until every participant acknowledges. A decided outcome is never dropped.
 */
@ApplicationScoped
public class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class);
    /** How the timeline names the pass that found a transaction: the one at start-up, or a periodic one. */
    static final String AFTER_RESTART = "recovery after a restart";
    static final String PERIODIC = "recovery";
    /** How the timeline names a takeover from another replica. */
    static final String TAKEOVER = "takeover";

    @Inject
    DecisionLog log;
    @Inject
    Driver driver;
    @Inject
    InFlight inFlight;
    @Inject
    CoordinatorMetrics metrics;
    @Inject
    @Named(Pools.RECOVERY)
    ExecutorService executor;
    @Inject
    NodeIdentity node;
    @Inject
    Replicas replicas;

    /**
     * The first pass starts once the HTTP server listens, so participants' heartbeats find this process up
     * while it recovers (before, they could still be running their termination protocol against it).
     */
    void onStart(@ObservesAsync HttpServerStart event) { // Quarkus fires it asynchronously
        Thread first = new Thread(() -> scan(AFTER_RESTART), "recovery-at-start");
        first.setDaemon(true);
        first.start();
    }

    @Scheduled(every = "${pledge.coordinator.recovery-interval}", delayed = "${pledge.coordinator.recovery-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodically() {
        if (!replicas.stoodDown()) { // a newer process under this node id drives what this one owned
            scanOnce();
        }
    }

    /**
     * One pass over the log.
     *
     * @return how many transactions reached their end in this pass
     */
    public int scanOnce() {
        return scan(PERIODIC);
    }

    /** Starts recovering transactions just taken over from other replicas, without waiting for them. */
    public void takeOver(List<Leases.Taken> taken) {
        for (Leases.Taken t : taken) {
            // on the timeline whichever pass drives it next: this one, or a periodic one that claimed it first
            log.event(t.id(), TxEvent.Kind.LOG, null, "taken over from " + t.from() + " after its lease expired", null);
            if (inFlight.claim(t.id())) {
                executor.execute(() -> recoverClaimed(t.id(), TAKEOVER + " from " + t.from()));
            }
        }
    }

    private int scan(String who) {
        List<CompletableFuture<Boolean>> passes = new ArrayList<>();
        for (UUID id : log.unfinishedOwned()) {
            if (inFlight.claim(id)) { // otherwise driven by this process right now
                // each in parallel: one transaction's participants may wait for locks another one holds
                passes.add(CompletableFuture.supplyAsync(() -> recoverClaimed(id, who), executor));
            }
        }
        return (int) passes.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
    }

    private boolean recoverClaimed(UUID id, String who) {
        try {
            return recover(id, who);
        } catch (TakenOver e) {
            LOG.infof("recovery of %s stopped: %s", id, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.warnf(e, "recovery of %s failed; the next pass tries again", id);
            return false;
        } finally {
            inFlight.release(id);
        }
    }

    private boolean recover(UUID id, String who) {
        DecisionLog.Snapshot tx = log.snapshot(id);
        try (Scope ignored = Traces.context(tx.traceparent()).makeCurrent()) { // finished in the trace that began it
            return recover(id, who, tx);
        }
    }

    private boolean recover(UUID id, String who, DecisionLog.Snapshot tx) {
        if (tx.state().isFinal()) {
            return true; // it ended between the scan and the claim
        }
        if (!node.nodeId().equals(tx.owner())) {
            return false; // taken over by another replica between the scan and the read: that one drives it
        }
        metrics.recovered(tx.state() == TxState.PREPARING ? "undecided"
                : tx.state() == TxState.PRECOMMITTING ? "precommitting" : "decided");
        log.event(id, TxEvent.Kind.LOG, null, who + switch (tx.state()) {
            case PREPARING -> ": found undecided after the coordinator stopped";
            case PRECOMMITTING -> ": asking the participants how far the pre-commits got";
            default -> ": re-sending the " + tx.state() + " decision";
        }, null);
        return driver.resume(tx);
    }
}
