package dev.pledge.coordinator.log;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.tracing.Traces;

import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;

/**
 * Every write to the coordinator's log. Each method is one local transaction, committed (and so flushed
 * to disk) before it returns: callers send a message only after the write it depends on has returned.
 */
@ApplicationScoped
public class DecisionLog {
    private static final List<TxState> UNFINISHED = List.of(TxState.PREPARING, TxState.PRECOMMITTING, TxState.COMMITTING,
            TxState.ABORTING);

    /** A branch to create: which participant, where it listens, and the operation it is asked to do. */
    public record BranchSpec(String participant, String url, String operationJson) {
    }

    /**
     * @param key the client's idempotency key, or null; a key already taken fails the begin at commit
     */
    @Transactional
    public void begin(UUID id, Protocol protocol, List<BranchSpec> branches, Duration timeout, IdempotencyKey key) {
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
        event(id, TxEvent.Kind.LOG, null, "begin " + protocol.label() + " with " + branches.size()
                + " branches: state PREPARING", null);
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

    @Transactional
    public void recordVote(UUID txId, String participant, Vote vote, long millis) {
        BranchRecord b = branch(txId, participant);
        if (b.vote != null) {
            return; // the first answer counts: a late reply after a timeout changes nothing
        }
        b.vote = vote.yes() ? "YES" : vote.answered() ? "NO" : "NONE";
        b.state = vote.yes() ? "PREPARED" : vote.answered() ? "ABORTED" : "UNKNOWN";
        b.reason = vote.reason();
        event(txId, vote.answered() ? TxEvent.Kind.RECEIVE : TxEvent.Kind.ERROR, participant,
                (vote.answered() ? "vote " + b.vote : "no vote") + (vote.reason() == null ? "" : ": " + vote.reason()),
                millis);
    }

    /** Forces the decision to the log. Nothing of phase 2 may be sent before this returns. */
    @Transactional
    public void decide(UUID txId, Decision decision) {
        GlobalTransaction tx = transaction(txId);
        tx.state = tx.state.moveTo(decision.loggedState(Protocol.of(tx.protocol)));
        tx.decision = decision.kind().name();
        tx.reason = decision.reason();
        tx.updatedAt = Instant.now();
        event(txId, TxEvent.Kind.LOG, null, "decision " + decision.kind() + " forced to the log: state " + tx.state
                + (decision.reason() == null ? "" : " (" + decision.reason() + ")"), null);
    }

    /** 3PC recovery: a participant aborted on its own while the coordinator was away, so everyone aborts. */
    @Transactional
    public void abortAfterTermination(UUID txId, String reason) {
        GlobalTransaction tx = transaction(txId);
        tx.state = tx.state.moveTo(TxState.ABORTING);
        tx.decision = Decision.Kind.ABORT.name();
        tx.reason = reason;
        tx.updatedAt = Instant.now();
        event(txId, TxEvent.Kind.LOG, null, "recovery: " + reason + ": state ABORTING", null);
    }

    /** 3PC: every participant acknowledged its pre-commit; the commit phase begins. */
    @Transactional
    public void precommitted(UUID txId) {
        GlobalTransaction tx = transaction(txId);
        tx.state = tx.state.moveTo(TxState.COMMITTING);
        tx.updatedAt = Instant.now();
        event(txId, TxEvent.Kind.LOG, null, "every participant pre-committed: state COMMITTING", null);
    }

    /** What recovery and phase 2 need to know of a transaction, read in one go. */
    public record Snapshot(UUID id, Protocol protocol, TxState state, List<BranchSpec> branches, List<String> branchStates,
                           String traceparent) {
    }

    @Transactional
    public Snapshot snapshot(UUID txId) {
        GlobalTransaction tx = transaction(txId);
        List<BranchRecord> records = BranchRecord.list("txId", io.quarkus.panache.common.Sort.by("position"), txId);
        return new Snapshot(txId, Protocol.of(tx.protocol), tx.state,
                records.stream().map(b -> new BranchSpec(b.participant, b.url, b.operation)).toList(),
                records.stream().map(b -> b.state).toList(), tx.traceparent);
    }

    @Transactional
    public java.util.Optional<Snapshot> snapshotIfExists(UUID txId) {
        return GlobalTransaction.findByIdOptional(txId).isPresent() ? java.util.Optional.of(snapshot(txId))
                : java.util.Optional.empty();
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
        event(txId, TxEvent.Kind.LOG, null, "operator " + by + " forced " + outcome + ": " + reason, null);
        if (tx.state == TxState.PREPARING || tx.state == TxState.PRECOMMITTING && outcome == Decision.Kind.ABORT) {
            TxState next = outcome == Decision.Kind.ABORT ? TxState.ABORTING
                    : Protocol.of(tx.protocol) == Protocol.THREE_PC ? TxState.PRECOMMITTING : TxState.COMMITTING;
            tx.state = tx.state.moveTo(next);
            tx.decision = outcome.name();
            tx.reason = "forced by " + by + ": " + reason;
            tx.updatedAt = Instant.now();
            event(txId, TxEvent.Kind.LOG, null, "decision " + outcome + " forced to the log: state " + tx.state, null);
        }
    }

    /** Transactions not yet at their end, oldest first. */
    @Transactional
    public List<UUID> unfinished() {
        return GlobalTransaction.<GlobalTransaction>list("state in ?1 order by createdAt", UNFINISHED).stream()
                .map(t -> t.id).toList();
    }

    @Transactional
    public void recordAck(UUID txId, String participant, String branchState, long millis) {
        branch(txId, participant).state = branchState;
        event(txId, TxEvent.Kind.RECEIVE, participant, "ack: branch " + branchState, millis);
    }

    /**
     * A participant refused the logged decision because it had already ended its branch the other way on
     * its own: its state is recorded, and the transaction will end MIXED.
     */
    @Transactional
    public void recordHeuristic(UUID txId, String participant, String branchState, long millis) {
        GlobalTransaction tx = transaction(txId);
        branch(txId, participant).state = branchState;
        event(txId, TxEvent.Kind.ERROR, participant, "branch already " + branchState + " on its own, against the logged "
                + tx.decision + ": atomicity is broken and needs an operator", millis);
    }

    /** How a transaction ended: its protocol, final state, and how long it took from begin to end. */
    public record Ended(Protocol protocol, TxState state, Duration took) {
    }

    @Transactional
    public Ended finish(UUID txId) {
        GlobalTransaction tx = transaction(txId);
        List<String> branchStates = BranchRecord.<BranchRecord>list("txId", txId).stream().map(b -> b.state).toList();
        tx.state = tx.state.ended(branchStates);
        tx.updatedAt = Instant.now();
        event(txId, tx.state == TxState.MIXED ? TxEvent.Kind.ERROR : TxEvent.Kind.LOG, null,
                "every participant answered: state " + tx.state, null);
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

    @Transactional
    public void event(UUID txId, TxEvent.Kind kind, String participant, String message, Long millis) {
        TxEvent e = new TxEvent();
        e.txId = txId;
        e.at = Instant.now();
        e.kind = kind.name();
        e.participant = participant;
        e.message = message;
        e.durationMs = millis;
        e.persist();
    }

    private static GlobalTransaction transaction(UUID id) {
        GlobalTransaction tx = GlobalTransaction.findById(id);
        if (tx == null) {
            throw new IllegalStateException("no transaction " + id + " in the log");
        }
        return tx;
    }

    private static BranchRecord branch(UUID txId, String participant) {
        return BranchRecord.<BranchRecord>find("txId = ?1 and participant = ?2", txId, participant).singleResult();
    }
}
