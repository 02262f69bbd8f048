package dev.pledge.coordinator.log;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import dev.pledge.common.fencing.Epochs;
import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.common.tracing.Traces;
import io.agroal.api.AgroalDataSource;

import dev.pledge.coordinator.protocol.Ack;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;

/**
 * Every write to the coordinator's log. Each method is one local transaction, committed before it returns.
 * Only what a participant may act on is forced to disk before the method returns: the decision (and the
 * decisions of recovery and of an operator). The other records are asynchronous commits
 * ({@code synchronous_commit = off}): visible at once to every reader, and on disk no later than the next
 * forced write, since PostgreSQL flushes its WAL in order. A crash of the database may lose the last of
 * them, and the protocol is safe without each one:
 * <ul>
 *   <li>the begin record: the coordinator can no longer decide (the decision updates that record), and a
 *       participant holding a prepared branch asks the coordinator, hears that it has no record, and
 *       aborts (presumed abort);</li>
 *   <li>acknowledgements and the end: recovery sends the decision again, and participants answer it again;</li>
 *   <li>3PC's "every participant pre-committed": recovery asks the participants how far the pre-commits
 *       got, as for any transaction logged PRECOMMITTING.</li>
 * </ul>
 * So each transaction costs one forced write. Votes are written with the decision, acknowledgements with
 * the end; the timeline goes through {@link Timeline}, off the protocol's path.
 */
@ApplicationScoped
public class DecisionLog {
    static final List<TxState> UNFINISHED = List.of(TxState.PREPARING, TxState.PRECOMMITTING, TxState.COMMITTING,
            TxState.ABORTING);

    @Inject
    Timeline timeline;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    NodeIdentity node;

    /** A branch to create: which participant, where it listens, and the operation it is asked to do. */
    public record BranchSpec(String participant, String url, String operationJson) {
    }

    /**
     * Logs a new transaction (one attempt at an order), owned by this replica under the first epoch,
     * asynchronously (see the class comment).
     *
     * @param key the client's idempotency key, or null; only an order's first attempt keeps it, and a key
     *            already taken fails the begin at commit
     */
    public void begin(Attempt attempt, Protocol protocol, List<BranchSpec> branches, IdempotencyKey key) {
        UUID id = attempt.id();
        LogRows.Tx tx = new LogRows.Tx(id, protocol, TxState.PREPARING, Traces.current(), Instant.now(), node.nodeId(),
                Epochs.FIRST);
        IdempotencyKey kept = attempt.number() == 1 ? key : null;
        write(false, c -> {
            LogRows.insert(c, tx, attempt, kept == null ? null : kept.key(), kept == null ? null : kept.requestHash(),
                    branches);
            return null;
        });
        timeline.add(id, TxEvent.Kind.LOG, null, "begin " + protocol.label() + " with " + branches.size()
                + " branches: state PREPARING" + (attempt.number() == 1 ? "" : "; attempt " + attempt.number()
                + " of order " + attempt.first() + ", after attempt " + attempt.previous() + " gave way over a lock"),
                null);
    }

    /** An attempt that aborted over lock conflicts is tried again as {@code next}, after {@code pauseMs}. */
    public void retried(UUID id, UUID next, int nextNumber, long pauseMs) {
        timeline.add(id, TxEvent.Kind.LOG, null, "aborted only over lock conflicts: tried again as attempt " + nextNumber
                + " (" + next + ") after " + pauseMs + " ms", null);
    }

    /**
     * An order that aborted over lock conflicts and is not tried again: the reason says why, so the client
     * learns it was the retry bound or the order's time, not the conflict alone.
     */
    public void gaveUp(UUID id, String why) {
        write(false, c -> {
            try (var ps = c.prepareStatement("UPDATE transactions SET reason = coalesce(reason || '; ', '') || ? WHERE id = ?")) {
                ps.setString(1, why);
                ps.setObject(2, id);
                ps.executeUpdate();
            }
            return null;
        });
        timeline.add(id, TxEvent.Kind.LOG, null, why, null);
    }

    /** The newest attempt at the order whose first attempt is {@code first} (the first itself when there is no other). */
    @Transactional
    public UUID newestAttempt(UUID first) {
        return GlobalTransaction.<GlobalTransaction>find("firstAttempt = ?1 order by attempt desc", first)
                .firstResultOptional().map(t -> t.id).orElse(first);
    }

    /** The transaction a client's idempotency key began, if any. */
    @Transactional
    public Optional<GlobalTransaction> byIdempotencyKey(String key) {
        return GlobalTransaction.find("idempotencyKey", key).firstResultOptional();
    }

    /** A branch's global transaction id: the transaction id and the participant, unique per database. */
    public static String gid(UUID txId, String participant) {
        return txId + "." + participant;
    }

    /**
     * Forces the decision to the log, in the state the protocol moves to on it ({@code next}), with the votes it
     * was made from. Nothing of phase 2 may be sent before this returns. Fails when the transaction is not in the
     * log (its begin record was lost), when it is not in a state from which {@code next} follows, and with
     * {@link TakenOver} when it is no longer driven under {@code epoch}.
     *
     * @param votes the votes gathered (the first answer of each branch), none for an abort of recovery
     */
    public void decide(UUID txId, long epoch, TxState next, Decision decision, List<Vote> votes) {
        write(true, c -> {
            LogRows.Tx tx = LogRows.read(c, txId).drivenUnder(epoch);
            tx.state().moveTo(next);
            LogRows.votes(c, txId, votes);
            LogRows.moveTo(c, tx, next, decision.kind().name(), decision.reason(), Instant.now());
            return null;
        });
        timeline.add(txId, TxEvent.Kind.LOG, null, "decision " + decision.kind() + " forced to the log: state "
                + next + (decision.reason() == null ? "" : " (" + decision.reason() + ")"), null);
    }

    /**
     * 3PC: every participant acknowledged its pre-commit, so the commit phase begins (asynchronously: see
     * the class comment): records the acks and moves PRECOMMITTING to COMMITTING.
     */
    public void precommitted(UUID txId, long epoch, List<Ack> acks) {
        write(false, c -> {
            LogRows.Tx tx = LogRows.read(c, txId).drivenUnder(epoch);
            TxState next = tx.state().moveTo(TxState.COMMITTING);
            LogRows.acks(c, txId, epoch, acks);
            LogRows.moveTo(c, tx, next, null, null, Instant.now());
            return null;
        });
        timeline.add(txId, TxEvent.Kind.LOG, null, "every participant pre-committed: state COMMITTING", null);
    }

    /**
     * What recovery and phase 2 need to know of a transaction, read in one go: with the replica that owns it
     * and the epoch it is driven under.
     */
    public record Snapshot(UUID id, Protocol protocol, TxState state, List<BranchSpec> branches, List<String> branchStates,
                           String traceparent, String owner, long epoch) {
    }

    public Snapshot snapshot(UUID txId) {
        return read(c -> LogRows.snapshot(c, LogRows.read(c, txId)));
    }

    /** A transaction's own row (not its branches or timeline), read without Hibernate; empty when unknown. */
    public Optional<GlobalTransaction> summary(UUID txId) {
        return read(c -> LogRows.summary(c, txId));
    }

    public Optional<Snapshot> snapshotIfExists(UUID txId) {
        return read(c -> {
            Optional<LogRows.Tx> tx = LogRows.find(c, txId);
            return tx.isPresent() ? Optional.of(LogRows.snapshot(c, tx.get())) : Optional.empty();
        });
    }

    /** Transactions not yet at their end, oldest first, whichever replica owns them. */
    public List<UUID> unfinished() {
        return read(c -> LogRows.unfinished(c, UNFINISHED, null));
    }

    /** Transactions not yet at their end that this replica owns, oldest first: the ones its recovery drives. */
    public List<UUID> unfinishedOwned() {
        return read(c -> LogRows.unfinished(c, UNFINISHED, node.nodeId()));
    }

    /**
     * Records the acknowledgements of a phase that has not finished yet, so they are not asked for again. Fails
     * with {@link TakenOver}, writing nothing, when the transaction is no longer driven under {@code epoch}.
     */
    public void recordAcks(UUID txId, long epoch, List<Ack> acks) {
        write(false, c -> {
            LogRows.acks(c, txId, epoch, acks);
            return null;
        });
    }

    /** How a transaction ended: its protocol, final state, and how long it took from begin to end. */
    public record Ended(Protocol protocol, TxState state, Duration took) {
    }

    /**
     * Every participant answered the decision: records the last acknowledgements and the end the protocol
     * worked out from them ({@code end}: MIXED when a branch ended the other way), asynchronously (see the
     * class comment).
     */
    public Ended finish(UUID txId, long epoch, TxState end, List<Ack> acks) {
        Ended ended = write(false, c -> {
            LogRows.Tx tx = LogRows.read(c, txId).drivenUnder(epoch);
            tx.state().moveTo(end);
            LogRows.acks(c, txId, epoch, acks);
            Instant now = Instant.now();
            LogRows.moveTo(c, tx, end, null, null, now);
            return new Ended(tx.protocol(), end, Duration.between(tx.createdAt(), now));
        });
        timeline.add(txId, ended.state() == TxState.MIXED ? TxEvent.Kind.ERROR : TxEvent.Kind.LOG, null,
                "every participant answered: state " + ended.state(), null);
        return ended;
    }

    /** How many transactions of each protocol have not reached their end. */
    @Transactional
    public java.util.Map<Protocol, Long> unfinishedByProtocol() {
        java.util.Map<Protocol, Long> counts = new java.util.EnumMap<>(Protocol.class);
        GlobalTransaction.<GlobalTransaction>getEntityManager().createQuery(
                        "select t.protocol, count(t) from GlobalTransaction t where t.state in ?1 group by t.protocol", Object[].class)
                .setParameter(1, UNFINISHED).getResultList()
                .forEach(row -> counts.put(Protocol.of((String) row[0]), (Long) row[1]));
        return counts;
    }

    /** Adds an entry to a transaction's timeline: a message sent or received, or what recovery found. */
    public void event(UUID txId, TxEvent.Kind kind, String participant, String message, Long millis) {
        timeline.add(txId, kind, participant, message, millis);
    }

    /** Waits (a bounded time) until every timeline entry added so far is in the database. */
    public void awaitTimeline() {
        timeline.awaitWritten(Duration.ofSeconds(2));
    }

    /** One local transaction, forced or not (see the class comment). */
    private <T> T write(boolean forced, LogRows.Work<T> work) {
        return LogRows.write(dataSource, forced, "decision log", work);
    }

    private <T> T read(LogRows.Work<T> work) {
        return LogRows.read(dataSource, "decision log", work);
    }
}
