package dev.pledge.coordinator.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * This replica's lease, and the takeover of dead replicas' work. At start-up it takes its lease (adopting
 * what a previous process of the same name left unfinished, which recovery then drives); then, every
 * renew interval, it renews the lease and takes over the transactions of replicas whose lease expired,
 * handing them to recovery at once. A replica that cannot be sure its lease is live begins nothing new and
 * reports not ready; one that stops cleanly ends its lease, so its work is taken over at once. Of two
 * processes given the same node id the newest wins: the older one stands down for good.
 */
@ApplicationScoped
public class Replicas {
    private static final Logger LOG = Logger.getLogger(Replicas.class);

    @Inject
    Leases leases;
    @Inject
    NodeIdentity node;
    @Inject
    Recovery recovery;
    @Inject
    CoordinatorMetrics metrics;

    private final Duration ttl;
    /** How long after a renewal began the lease is still certainly live here: the ttl less one renew interval. */
    private final Duration sureFor;
    private volatile long renewedAt;
    /** When the lease expires on the database's clock unless renewed, as of the last acquire or renewal. */
    private volatile Instant expiresAt;
    private volatile boolean held;
    /**
     * Start-up has taken the lease. The scheduler starts before this bean's start-up observer, and a renewal
     * run before the first acquire would find the previous process's incarnation in the row and stand down.
     */
    private volatile boolean acquired;
    private volatile boolean stopping;
    /** A newer process took the lease under this node id: this one renews, takes over and recovers nothing more. */
    private volatile boolean stoodDown;

    Replicas(CoordinatorConfig config) {
        this.ttl = config.lease().ttl();
        Duration renew = config.lease().renewInterval();
        if (renew.isZero() || renew.isNegative() || ttl.compareTo(renew.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("pledge.coordinator.lease.ttl (" + ttl + ") must be at least twice"
                    + " pledge.coordinator.lease.renew-interval (" + renew + "), which must be positive");
        }
        this.sureFor = ttl.minus(renew);
    }

    /** Before recovery's first pass (which observes the same event later), so that it finds what this node owns. */
    void onStart(@Observes @Priority(10) StartupEvent event) {
        acquire();
    }

    /** A clean stop hands this replica's unfinished work over at once instead of after the lease's ttl. */
    void onStop(@Observes ShutdownEvent event) {
        try {
            stopping = true;
            held = false;
            leases.release(node.nodeId(), node.incarnation());
        } catch (RuntimeException e) {
            LOG.warnf("could not end the lease of %s (%s); other replicas take its work once it expires", node.nodeId(),
                    e.getMessage());
        }
    }

    private void acquire() {
        long t0 = System.nanoTime();
        Leases.Acquired acquired = leases.acquire(node.nodeId(), node.incarnation(), node.url(), ttl);
        renewed(t0, acquired.expiresAt());
        this.acquired = true;
        if (acquired.displacedLive()) {
            LOG.warnf("another process named %s held a live lease: it is fenced off now and stands down; give each"
                    + " replica its own pledge.coordinator.node-id", node.nodeId());
        }
        LOG.infof("replica %s holds its lease (ttl %s); %d unfinished transaction(s) of its own to recover", node.nodeId(),
                ttl, acquired.adopted());
    }

    @Scheduled(every = "${pledge.coordinator.lease.renew-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodically() {
        if (!acquired || stopping || stoodDown) {
            // not taken yet (start-up takes it), ended for a clean stop (renewing it would hold back the
            // takeover), or another process's
            return;
        }
        try {
            renewOnce();
            takeOverOnce();
        } catch (RuntimeException e) {
            LOG.warnf("lease renewal or takeover failed (%s); the next pass tries again", e.getMessage());
        }
    }

    /**
     * Renews this replica's lease; when another replica had taken its work (it was away), starts a new one;
     * when a newer process holds the lease under the same node id, stands down.
     */
    public void renewOnce() {
        long t0 = System.nanoTime();
        Leases.Renewal renewal = leases.renew(node.nodeId(), node.incarnation(), ttl);
        switch (renewal.outcome()) {
            case RENEWED -> renewed(t0, renewal.expiresAt());
            case GONE -> {
                LOG.warnf("replica %s had lost its lease: another replica took over its transactions; taking a new lease",
                        node.nodeId());
                acquire();
            }
            case HELD_BY_ANOTHER_PROCESS -> standDown();
        }
    }

    private void renewed(long startedAt, Instant expires) {
        renewedAt = startedAt;
        expiresAt = expires;
        held = true;
    }

    /** Taking the lease back would only make the two processes take it from each other every renew interval. */
    private void standDown() {
        held = false;
        if (stoodDown) {
            return;
        }
        stoodDown = true;
        LOG.errorf("another process runs under node id %s and now holds its lease: this process stands down (it begins,"
                + " takes over and recovers nothing, and reports not ready); each replica needs its own"
                + " pledge.coordinator.node-id", node.nodeId());
    }

    /**
     * Takes over the unfinished transactions of replicas whose lease expired, and starts recovering them.
     *
     * @return how many were taken
     */
    public int takeOverOnce() {
        if (stoodDown) {
            return 0;
        }
        List<Leases.Taken> taken = leases.takeOver(node.nodeId());
        if (!taken.isEmpty()) {
            LOG.infof("replica %s took over %d transaction(s) from %s", node.nodeId(), taken.size(),
                    taken.stream().map(Leases.Taken::from).distinct().toList());
            metrics.takenOver(taken.size());
            recovery.takeOver(taken);
        }
        return taken.size();
    }

    /** Whether this replica's lease is certainly live now, so that it may begin a transaction. */
    public boolean holdsLease() {
        return notHeldBecause().isEmpty();
    }

    /** Why this replica cannot be sure its lease is live now; empty when it can. */
    public Optional<String> notHeldBecause() {
        if (stoodDown) {
            return Optional.of("stood down: another process runs under node id " + node.nodeId()
                    + "; each replica needs its own pledge.coordinator.node-id");
        }
        if (stopping) {
            return Optional.of("stopping: the lease was ended");
        }
        if (!held) {
            return Optional.of("no lease yet");
        }
        long since = System.nanoTime() - renewedAt;
        return since < sureFor.toNanos() ? Optional.empty()
                : Optional.of("lease not renewed for " + Duration.ofNanos(since).toMillis() + " ms");
    }

    /**
     * Whether another replica with a live lease owns the unfinished transaction, and so may be driving it now
     * (what this process drives itself, {@link InFlight} knows).
     */
    public boolean drivenByAnotherReplica(UUID id) {
        return leases.drivenElsewhere(id, node.nodeId());
    }

    /** Whether a newer process under the same node id made this one stand down. */
    public boolean stoodDown() {
        return stoodDown;
    }

    /** When the lease expires on the database's clock unless renewed, as of the last renewal; null before the first. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public String nodeId() {
        return node.nodeId();
    }
}
