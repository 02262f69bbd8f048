package dev.pledge.coordinator.log;

import java.time.Duration;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.tracing.Traces;

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
    private static final List<TxState> UNFINISHED = List.of(TxState.PREPARING, TxState.PRECOMMITTING, TxState.COMMITTING,
            TxState.ABORTING);

    @Inject
    Timeline timeline;
    @Inject
    TransactionSynchronizationRegistry transactions;

    /** A branch to create: which participant, where it listens, and the operation it is asked to do. */
    public record BranchSpec(String participant, String url, String operationJson) {
    }

    /** A participant's answer to a pre-commit or a decision: the state its branch is in now. */
    public record Ack(String participant, String state) {
    }

    /**
     * Logs a new transaction, asynchronously (see the class comment).
     *
     * @param key the client's idempotency key, or null; a key already taken fails the begin at commit
     */
    @Transactional
    public void begin(UUID id, Protocol protocol, List<BranchSpec> branches, Duration timeout, IdempotencyKey key) {
        unforced();
        Instant now = Instant.now();
        GlobalTransaction tx = new GlobalTransaction();
        tx.id = id;
        tx.protocol = protocol.label();
        tx.state = TxState.PREPARING;
        tx.timeoutMs = timeout.toMillis();
        tx.createdAt = now;
        tx.updatedAt = now;
        tx.traceparent = Traces.current();
        if (key != null) {
            tx.idempotencyKey = key.key();
            tx.requestHash = key.requestHash();
        }
        tx.persist();
        for (int i = 0; i < branches.size(); i++) {
            BranchSpec spec = branches.get(i);
            BranchRecord b = new BranchRecord();
            b.txId = id;
            b.position = i;
            b.participant = spec.participant();
            b.url = spec.url();
            b.gid = gid(id, spec.participant());
            b.operation = spec.operationJson();
            b.state = "WORKING";
            b.persist();
        }
        afterCommit(id, TxEvent.Kind.LOG, "begin " + protocol.label() + " with " + branches.size()
                + " branches: state PREPARING");
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
     * Forces the decision to the log, with the votes it was made from. Nothing of phase 2 may be sent
     * before this returns. Fails when the transaction is not in the log (its begin record was lost).
     *
     * @param votes the votes gathered (the first answer of each branch), none for a presumed abort
     * @return the transaction as decided
     */
    @Transactional
    public Snapshot decide(UUID txId, Decision decision, List<Vote> votes) {
        GlobalTransaction tx = transaction(txId);
        List<BranchRecord> records = branches(txId);
        for (Vote vote : votes) {
            BranchRecord b = of(records, vote.participant());
            if (b.vote == null) {
                b.vote = vote.yes() ? "YES" : vote.answered() ? "NO" : "NONE";
                b.state = vote.yes() ? "PREPARED" : vote.answered() ? "ABORTED" : "UNKNOWN";
                b.reason = vote.reason();
            }
        }
        tx.state = tx.state.moveTo(decision.loggedState(Protocol.of(tx.protocol)));
        tx.decision = decision.kind().name();
        tx.reason = decision.reason();
        tx.updatedAt = Instant.now();
        afterCommit(txId, TxEvent.Kind.LOG, "decision " + decision.kind() + " forced to the log: state " + tx.state
                + (decision.reason() == null ? "" : " (" + decision.reason() + ")"));
        return snapshot(tx, records);
    }

    /** 3PC recovery: a participant aborted on its own while the coordinator was away, so everyone aborts. */
    @Transactional
    public Snapshot abortAfterTermination(UUID txId, String reason) {
        GlobalTransaction tx = transaction(txId);
        tx.state = tx.state.moveTo(TxState.ABORTING);
        tx.decision = Decision.Kind.ABORT.name();
        tx.reason = reason;
        tx.updatedAt = Instant.now();
        afterCommit(txId, TxEvent.Kind.LOG, "recovery: " + reason + ": state ABORTING");
        return snapshot(tx, branches(txId));
    }

    /**
     * 3PC: every participant acknowledged its pre-commit, so the commit phase begins (asynchronously: see
     * the class comment). Does nothing more than record the acks when the state has moved on already.
     *
     * @return the transaction as it is now
     */
    @Transactional
    public Snapshot precommitted(UUID txId, List<Ack> acks) {
        unforced();
        GlobalTransaction tx = transaction(txId);
        List<BranchRecord> records = record(txId, acks);
        if (tx.state == TxState.PRECOMMITTING) {
            tx.state = tx.state.moveTo(TxState.COMMITTING);
            tx.updatedAt = Instant.now();
            afterCommit(txId, TxEvent.Kind.LOG, "every participant pre-committed: state COMMITTING");
        }
        return snapshot(tx, records);
    }

    /** What recovery and phase 2 need to know of a transaction, read in one go. */
    public record Snapshot(UUID id, Protocol protocol, TxState state, List<BranchSpec> branches, List<String> branchStates,
                           String traceparent) {
    }

    @Transactional
    public Snapshot snapshot(UUID txId) {
        return snapshot(transaction(txId), branches(txId));
    }

    private static Snapshot snapshot(GlobalTransaction tx, List<BranchRecord> records) {
        return new Snapshot(tx.id, Protocol.of(tx.protocol), tx.state,
                records.stream().map(b -> new BranchSpec(b.participant, b.url, b.operation)).toList(),
                records.stream().map(b -> b.state).toList(), tx.traceparent);
    }

    @Transactional
    public Optional<Snapshot> snapshotIfExists(UUID txId) {
        return GlobalTransaction.<GlobalTransaction>findByIdOptional(txId).map(tx -> snapshot(tx, branches(txId)));
    }

    /**
     * Records an operator's forced outcome (who, when, why) and, for an undecided transaction, logs it as
     * the decision. A decided transaction keeps its decision (the caller checked that they agree).
     */
    @Transactional
    public void force(UUID txId, Decision.Kind outcome, String by, String reason) {
        GlobalTransaction tx = transaction(txId);
        ForcedOutcome f = new ForcedOutcome();
        f.txId = txId;
        f.outcome = outcome.name();
        f.forcedBy = by;
        f.reason = reason;
        f.at = Instant.now();
        f.persist();
        afterCommit(txId, TxEvent.Kind.LOG, "operator " + by + " forced " + outcome + ": " + reason);
        if (tx.state == TxState.PREPARING || tx.state == TxState.PRECOMMITTING && outcome == Decision.Kind.ABORT) {
            TxState next = outcome == Decision.Kind.ABORT ? TxState.ABORTING
                    : Protocol.of(tx.protocol) == Protocol.THREE_PC ? TxState.PRECOMMITTING : TxState.COMMITTING;
            tx.state = tx.state.moveTo(next);
            tx.decision = outcome.name();
            tx.reason = "forced by " + by + ": " + reason;
            tx.updatedAt = Instant.now();
            afterCommit(txId, TxEvent.Kind.LOG, "decision " + outcome + " forced to the log: state " + tx.state);
        }
    }

    /** Transactions not yet at their end, oldest first. */
    @Transactional
    public List<UUID> unfinished() {
        return GlobalTransaction.<GlobalTransaction>list("state in ?1 order by createdAt", UNFINISHED).stream()
                .map(t -> t.id).toList();
    }

    /** Records the acknowledgements of a phase that has not finished yet, so they are not asked for again. */
    @Transactional
    public void recordAcks(UUID txId, List<Ack> acks) {
        unforced();
        record(txId, acks);
    }

    /** How a transaction ended: its protocol, final state, and how long it took from begin to end. */
    public record Ended(Protocol protocol, TxState state, Duration took) {
    }

    /**
     * Every participant answered the decision: records the last acknowledgements and the end,
     * asynchronously (see the class comment). A branch that ended the other way makes the end MIXED.
     */
    @Transactional
    public Ended finish(UUID txId, List<Ack> acks) {
        unforced();
        GlobalTransaction tx = transaction(txId);
        List<String> branchStates = record(txId, acks).stream().map(b -> b.state).toList();
        tx.state = tx.state.ended(branchStates);
        tx.updatedAt = Instant.now();
        afterCommit(txId, tx.state == TxState.MIXED ? TxEvent.Kind.ERROR : TxEvent.Kind.LOG,
                "every participant answered: state " + tx.state);
        return new Ended(Protocol.of(tx.protocol), tx.state, Duration.between(tx.createdAt, tx.updatedAt));
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

    /** The current transaction commits without waiting for its WAL to reach disk. */
    private static void unforced() {
        GlobalTransaction.getEntityManager().unwrap(Session.class).doWork(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit = off");
            }
        });
    }

    /** A log write's timeline entry, added once the write has committed (and never if it rolls back). */
    private void afterCommit(UUID txId, TxEvent.Kind kind, String message) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    timeline.add(txId, kind, null, message, null);
                }
            }
        });
    }

    private static List<BranchRecord> record(UUID txId, List<Ack> acks) {
        List<BranchRecord> records = branches(txId);
        acks.forEach(ack -> of(records, ack.participant()).state = ack.state());
        return records;
    }

    private static GlobalTransaction transaction(UUID id) {
        GlobalTransaction tx = GlobalTransaction.findById(id);
        if (tx == null) {
            throw new IllegalStateException("no transaction " + id + " in the log");
        }
        return tx;
    }

    private static List<BranchRecord> branches(UUID txId) {
        return BranchRecord.list("txId", io.quarkus.panache.common.Sort.by("position"), txId);
    }

    private static BranchRecord of(List<BranchRecord> records, String participant) {
        return records.stream().filter(b -> b.participant.equals(participant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no branch of " + participant));
    }
}
