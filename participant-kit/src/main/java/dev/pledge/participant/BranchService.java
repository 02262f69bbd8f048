package dev.pledge.participant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;
import dev.pledge.participant.action.BusinessAction;
import dev.pledge.participant.action.Operations;
import dev.pledge.participant.contention.Conflict;
import dev.pledge.participant.contention.LockWatch;
import dev.pledge.participant.contention.WatchedPrepare;
import dev.pledge.participant.metrics.ParticipantMetrics;
import dev.pledge.participant.protocol.BranchMachine;
import dev.pledge.participant.protocol.BranchMachine.Request;
import dev.pledge.participant.protocol.BranchMachine.Verdict;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.participant.store.BranchStore;
import dev.pledge.participant.store.BranchStore.Decided;

/**
 * The participant side of two-phase commit. What each call does with a branch is {@link BranchMachine}'s: every
 * move is one its table allows. Every call is idempotent and safe to repeat or reorder:
 * a repeated prepare returns the first vote, commit and abort of a finished branch answer its state, and
 * an abort that arrives before the prepare makes that prepare vote NO.
 */
@ApplicationScoped
public class BranchService {
    private static final Logger LOG = Logger.getLogger(BranchService.class);
    private static final int ATTEMPTS = 3;
    /** How long after its budget the database's own lock timeout ends a wait the lock watch did not end. */
    private static final Duration BACKSTOP = Duration.ofMillis(100);
    /** How long an abort waits for the prepare it cancelled to end. */
    private static final Duration PREPARE_END_WAIT = Duration.ofSeconds(2);

    @Inject
    BranchStore store;
    @Inject
    BusinessAction<?> action;
    @Inject
    Operations operations;
    @Inject
    CrashPoints crashPoints;
    @Inject
    LockWatch watch;
    @Inject
    ParticipantMetrics metrics;
    @ConfigProperty(name = "pledge.participant.lock-timeout", defaultValue = "30s")
    Duration lockTimeout;

    /**
     * Prepares running at once. Each holds a database connection while it waits for row locks; keeping
     * their number below the connection pool's size leaves connections for the commits and aborts that
     * release those locks (otherwise waiting prepares can take every connection, and nothing moves).
     */
    private final Semaphore prepareSlots;

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
     * @param callerTimeoutMs how long the caller waits for the vote, or null; lock waits end within it
     * @param locking         the caller's lock policy and the order's age, or null (then the prepare waits)
     */
    public BranchView prepare(String gid, JsonNode operation, Long callerTimeoutMs, Locking locking) throws SQLException {
        checkGid(gid);
        return prepareTyped(gid, action, operation, callerTimeoutMs, locking);
    }

    /** Validates the operation first (bad input changes nothing), then prepares within a prepare slot. */
    private <T> BranchView prepareTyped(String gid, BusinessAction<T> typed, JsonNode raw, Long callerTimeoutMs,
            Locking locking) throws SQLException {
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
            Prepare<T> p = new Prepare<>(gid, typed, op, opJson, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left,
                    locking == null ? LockPolicy.WAIT : locking.lockPolicy(), locking == null ? null : locking.priority());
            return prepareInSlot(p);
        } finally {
            prepareSlots.release();
        }
    }

    /** One prepare's inputs: the branch, its validated operation, how long it may wait, and under which policy. */
    private record Prepare<T>(String gid, BusinessAction<T> typed, T op, String opJson, Duration lockWait, LockPolicy policy,
                              Priority priority) {
    }

    private <T> BranchView prepareInSlot(Prepare<T> p) throws SQLException {
        String gid = p.gid();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<BranchView> known = answerFromState(gid, store.state(gid));
            if (known.isPresent()) {
                return known.get();
            }
            try (Connection tx = store.connection()) {
                tx.setAutoCommit(false);
                WatchedPrepare watched = watch.begin(gid, store.backendPid(tx), p.policy(), p.priority(), p.lockWait());
                boolean prepared = false;
                try {
                    store.insertCommittedRow(tx, gid, p.opJson());
                    store.lockTimeout(tx, p.lockWait().plus(BACKSTOP)); // the watch ends the wait first, naming its holder
                    abortedMeanwhile(watched);
                    Optional<String> no;
                    try {
                        no = p.typed().apply(tx, p.op());
                    } catch (SQLException e) {
                        if (!BranchStore.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                            throw e;
                        }
                        tx.rollback(); // the database's own lock timeout, a backstop a scan usually beats
                        return conflictVote(gid, p.opJson(), watched.timedOut());
                    }
                    if (no.isPresent()) {
                        tx.rollback();
                        store.recordAborted(gid, p.opJson(), no.get());
                        return answerFromState(gid, store.state(gid)).orElseThrow();
                    }
                    abortedMeanwhile(watched); // a cancel sent between two statements finds nothing to cancel
                    store.prepareTransaction(tx, gid);
                    prepared = true;
                    crashPoints.hit("after-prepare");
                    return BranchView.yes(gid, BranchState.PREPARED);
                } catch (SQLException e) {
                    tx.rollback();
                    if (BranchStore.QUERY_CANCELED.equals(e.getSQLState())) {
                        Optional<Conflict> conflict = watched.verdict();
                        if (conflict.isPresent()) { // the lock policy ended its wait
                            return conflictVote(gid, p.opJson(), conflict.get());
                        }
                        // an abort cancelled this prepare: the branch is aborted, the vote NO
                        store.recordAborted(gid, p.opJson(), "aborted while preparing");
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
                    watch.end(watched, prepared); // before the connection goes back: no cancel reaches its next user
                    tx.setAutoCommit(true);
                }
            }
        }
        throw new ProblemException(503, "Service Unavailable", "branch " + gid + " is busy; retry the prepare");
    }

    /** An abort arrived while this prepare ran: end it as the cancel it sent would have. */
    private static void abortedMeanwhile(WatchedPrepare watched) throws SQLException {
        if (watched.abortRequested()) {
            throw new SQLException("an abort arrived while the prepare ran", BranchStore.QUERY_CANCELED);
        }
    }

    /** The NO of a prepare whose lock wait the policy or its time ended, with the conflict that ended it. */
    private BranchView conflictVote(String gid, String opJson, Conflict conflict) throws SQLException {
        metrics.lockConflict(conflict.policy(), conflict.outcome());
        store.recordAborted(gid, opJson, conflict.reason());
        Decided d = store.state(gid);
        if (d.state() != BranchState.ABORTED || !conflict.reason().equals(d.reason())) {
            return answerFromState(gid, d).orElseThrow(); // an abort got there first
        }
        return new BranchView(gid, BranchState.ABORTED, BranchView.Vote.NO, d.reason(), conflict);
    }

    /** A prepare that finds the branch already decided answers with that decision (its vote). */
    private static Optional<BranchView> answerFromState(String gid, Decided d) {
        if (BranchMachine.on(d.state(), Request.PREPARE) == Verdict.MOVE) {
            return Optional.empty();
        }
        return Optional.of(d.state() == BranchState.ABORTED ? BranchView.no(gid, d.reason()) : BranchView.yes(gid, d.state()));
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
                watch.ended(gid);
                return new BranchView(gid, BranchState.COMMITTED, null, null);
            } catch (SQLException e) {
                if (!BranchStore.UNDEFINED_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
            Decided d = store.state(gid); // not prepared: ended already, never prepared, or prepared just now
            switch (BranchMachine.on(d.state(), Request.COMMIT)) {
                case ANSWER:
                    return new BranchView(gid, d.state(), null, null);
                case REFUSE:
                    throw ProblemException.conflict(BranchMachine.refusal(gid, d.state(), Request.COMMIT, d.reason()));
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
            Verdict verdict = BranchMachine.on(d.state(), Request.ABORT);
            try {
                if (verdict == Verdict.ANSWER) {
                    return new BranchView(gid, BranchState.ABORTED, null, d.reason());
                } else if (verdict == Verdict.REFUSE) {
                    throw ProblemException.conflict(BranchMachine.refusal(gid, d.state(), Request.ABORT, d.reason()));
                }
                switch (d.state()) {
                    case PREPARED:
                    case PRECOMMITTED:
                        store.rollbackPrepared(gid);
                        watch.ended(gid);
                        store.recordAborted(gid, null, reason);
                        break;
                    default: // WORKING
                        if (watch.cancelForAbort(gid)) {
                            // its prepare runs here: once cancelled it ends (aborted, or prepared just before), and
                            // only then can this abort's row be written beside the prepare's own
                            watch.awaitEnd(gid, PREPARE_END_WAIT);
                            continue;
                        }
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
