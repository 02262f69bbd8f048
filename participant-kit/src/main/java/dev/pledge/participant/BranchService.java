package dev.pledge.participant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.participant.action.BusinessAction;
import dev.pledge.participant.action.Operations;
import dev.pledge.participant.api.BranchView;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.participant.store.BranchStore;
import dev.pledge.participant.store.BranchStore.Decided;

/**
 * The participant side of two-phase commit. Every call is idempotent and safe to repeat or reorder:
 * a repeated prepare returns the first vote, commit and abort of a finished branch answer its state, and
 * an abort that arrives before the prepare makes that prepare vote NO.
 */
@ApplicationScoped
public class BranchService {
    private static final Logger LOG = Logger.getLogger(BranchService.class);
    private static final int ATTEMPTS = 3;

    @Inject
    BranchStore store;
    @Inject
    BusinessAction<?> action;
    @Inject
    Operations operations;
    @Inject
    CrashPoints crashPoints;
    @ConfigProperty(name = "pledge.participant.lock-timeout", defaultValue = "30s")
    Duration lockTimeout;

    /**
     * Prepares running at once. Each holds a database connection while it waits for row locks; keeping
     * their number below the connection pool's size leaves connections for the commits and aborts that
     * release those locks (otherwise waiting prepares can take every connection, and nothing moves).
     */
    private final Semaphore prepareSlots;

    /** Prepares running in this process: gid -> the PostgreSQL backend running its transaction. */
    private final Map<String, Integer> preparing = new ConcurrentHashMap<>();

    BranchService(@ConfigProperty(name = "pledge.participant.max-concurrent-prepares", defaultValue = "30") int slots) {
        this.prepareSlots = new Semaphore(slots, true);
    }

    public BranchView get(String gid) throws SQLException {
        Decided d = store.state(checkGid(gid));
        if (d.state() == BranchState.WORKING) {
            throw ProblemException.notFound("no branch " + gid + " on this participant");
        }
        return new BranchView(gid, d.state(), null, d.reason());
    }

    /** The branch's state as its database holds it now; WORKING when this participant never heard of it. */
    public BranchState stateOf(String gid) throws SQLException {
        return store.state(checkGid(gid)).state();
    }

    /**
     * @param callerTimeoutMs how long the caller waits for the vote, or null; lock waits stay within it
     */
    public BranchView prepare(String gid, JsonNode operation, Long callerTimeoutMs) throws SQLException {
        checkGid(gid);
        return prepareTyped(gid, action, operation, callerTimeoutMs);
    }

    /** Validates the operation first (bad input changes nothing), then prepares within a prepare slot. */
    private <T> BranchView prepareTyped(String gid, BusinessAction<T> typed, JsonNode raw, Long callerTimeoutMs)
            throws SQLException {
        T op = operations.read(typed.operationType(), raw);
        String opJson = raw.toString();
        Duration lockWait = callerTimeoutMs == null ? lockTimeout
                : Duration.ofMillis(Math.min(lockTimeout.toMillis(), callerTimeoutMs));
        long t0 = System.nanoTime();
        try {
            if (!prepareSlots.tryAcquire(lockWait.toMillis(), TimeUnit.MILLISECONDS)) {
                store.recordAborted(gid, opJson, "too busy: no prepare slot free within " + lockWait.toMillis() + " ms");
                return answerFromState(gid, store.state(gid)).orElseThrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(503, "Service Unavailable", "interrupted while waiting to prepare " + gid);
        }
        try {
            Duration left = lockWait.minusNanos(System.nanoTime() - t0);
            return prepareInSlot(gid, typed, op, opJson, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
        } finally {
            prepareSlots.release();
        }
    }

    private <T> BranchView prepareInSlot(String gid, BusinessAction<T> typed, T op, String opJson, Duration lockWait)
            throws SQLException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<BranchView> known = answerFromState(gid, store.state(gid));
            if (known.isPresent()) {
                return known.get();
            }
            try (Connection tx = store.connection()) {
                tx.setAutoCommit(false);
                preparing.put(gid, store.backendPid(tx));
                try {
                    store.insertCommittedRow(tx, gid, opJson);
                    store.lockTimeout(tx, lockWait);
                    Optional<String> no;
                    try {
                        no = typed.apply(tx, op);
                    } catch (SQLException e) {
                        if (!BranchStore.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                            throw e;
                        }
                        no = Optional.of("timed out after " + lockWait.toMillis() + " ms waiting for a lock held by"
                                + " another transaction");
                    }
                    if (no.isPresent()) {
                        tx.rollback();
                        store.recordAborted(gid, opJson, no.get());
                        return answerFromState(gid, store.state(gid)).orElseThrow();
                    }
                    store.prepareTransaction(tx, gid);
                    crashPoints.hit("after-prepare");
                    return BranchView.yes(gid, BranchState.PREPARED);
                } catch (SQLException e) {
                    tx.rollback();
                    if (BranchStore.QUERY_CANCELED.equals(e.getSQLState())) {
                        // an abort cancelled this prepare: the branch is aborted, the vote NO
                        store.recordAborted(gid, opJson, "aborted while preparing");
                        return answerFromState(gid, store.state(gid)).orElseThrow();
                    }
                    if (!isRace(e)) {
                        throw e;
                    }
                    LOG.debugf("prepare %s raced with another call (%s); reading its state again", gid, e.getSQLState());
                } catch (RuntimeException e) {
                    tx.rollback(); // never let the autocommit switch below commit half a change
                    throw e;
                } finally {
                    preparing.remove(gid);
                    tx.setAutoCommit(true);
                }
            }
        }
        throw new ProblemException(503, "Service Unavailable", "branch " + gid + " is busy; retry the prepare");
    }

    /** A prepare that finds the branch already decided answers with that decision. */
    private static Optional<BranchView> answerFromState(String gid, Decided d) {
        return switch (d.state()) {
            case WORKING -> Optional.empty();
            case PREPARED, PRECOMMITTED, COMMITTED -> Optional.of(BranchView.yes(gid, d.state()));
            case ABORTED -> Optional.of(BranchView.no(gid, d.reason()));
        };
    }

    /**
     * Commits a prepared branch. The usual case, a branch held prepared, costs one statement: COMMIT PREPARED
     * is tried first, and the branch's state is read only when PostgreSQL holds no such prepared transaction
     * (a repeated commit, or a branch that is not prepared).
     */
    public BranchView commit(String gid) throws SQLException {
        checkGid(gid);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            crashPoints.hit("before-commit");
            try {
                store.commitPrepared(gid);
                return new BranchView(gid, BranchState.COMMITTED, null, null);
            } catch (SQLException e) {
                if (!BranchStore.UNDEFINED_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
            Decided d = store.state(gid); // not prepared: ended already, never prepared, or prepared just now
            switch (d.state()) {
                case COMMITTED:
                    return new BranchView(gid, BranchState.COMMITTED, null, null);
                case ABORTED:
                    throw ProblemException.conflict("branch " + gid + " was aborted (" + d.reason() + "); it cannot commit");
                case WORKING:
                    throw ProblemException.conflict("branch " + gid + " was never prepared here; it cannot commit");
                default:
                    // prepared (again visible) after the attempt: try once more
            }
        }
        throw new ProblemException(503, "Service Unavailable", "branch " + gid + " is busy; retry the commit");
    }

    public BranchView abort(String gid, String reason) throws SQLException {
        checkGid(gid);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Decided d = store.state(gid);
            try {
                switch (d.state()) {
                    case ABORTED:
                        return new BranchView(gid, BranchState.ABORTED, null, d.reason());
                    case COMMITTED:
                        throw ProblemException.conflict("branch " + gid + " is committed; it cannot abort");
                    case PREPARED:
                    case PRECOMMITTED:
                        store.rollbackPrepared(gid);
                        store.recordAborted(gid, null, reason);
                        break;
                    default:
                        cancelRunningPrepare(gid);
                        store.recordAborted(gid, null, reason); // before any prepare: no later prepare can succeed
                }
                Decided after = store.state(gid);
                if (after.state() == BranchState.ABORTED) {
                    return new BranchView(gid, BranchState.ABORTED, null, after.reason());
                }
            } catch (SQLException e) {
                if (!isRace(e) && !BranchStore.UNDEFINED_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        throw new ProblemException(503, "Service Unavailable", "branch " + gid + " is busy; retry the abort");
    }

    /**
     * An abort for a branch whose prepare is still running here (typically waiting for a row lock) cancels
     * that prepare's statement, so the abort need not wait for it: the prepare then answers NO. The cancel is
     * sent while the map holds the prepare's entry, and the prepare removes its entry before its connection
     * goes back to the pool, so a cancel can never reach another branch's prepare on a reused connection.
     */
    private void cancelRunningPrepare(String gid) throws SQLException {
        SQLException[] failed = new SQLException[1];
        preparing.computeIfPresent(gid, (g, backend) -> {
            LOG.infof("abort of %s cancels its running prepare (backend %d)", gid, backend);
            try {
                store.cancelBackend(backend);
            } catch (SQLException e) {
                failed[0] = e;
            }
            return backend;
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    private static boolean isRace(SQLException e) {
        return BranchStore.UNIQUE_VIOLATION.equals(e.getSQLState()) || BranchStore.LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    public static String checkGid(String gid) {
        if (gid == null || !BranchStore.GID.matcher(gid).matches()) {
            throw ProblemException.badRequest("gid must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        }
        return gid;
    }
}
