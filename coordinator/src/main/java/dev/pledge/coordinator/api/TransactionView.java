package dev.pledge.coordinator.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.pledge.common.tracing.Traces;
import dev.pledge.coordinator.log.BranchRecord;
import dev.pledge.coordinator.log.GlobalTransaction;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.protocol.Outcome;
import dev.pledge.coordinator.protocol.TxState;

/**
 * A global transaction with its branches and its full timeline; {@code owner} is the coordinator replica that
 * drives it and {@code epoch} counts its owners (1 until another replica takes it over). An order tried again
 * after lock conflicts is several transactions: {@code attempt} numbers them, {@code firstAttempt} and
 * {@code previousAttempt} link them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransactionView(UUID id, String protocol, TxState state, Outcome outcome, String decision, String reason,
                              Instant createdAt, Instant updatedAt, String traceId, String owner, Long epoch,
                              int attempt, UUID firstAttempt, UUID previousAttempt,
                              List<Branch> branches,
                              List<Event> timeline) {

    public record Branch(String participant, String url, String gid, @JsonRawValue String operation, String vote,
                         String state, String reason) {
        static Branch of(BranchRecord b) {
            return new Branch(b.participant, b.url, b.gid, b.operation, b.vote, b.state, b.reason);
        }
    }

    /** One timeline entry; {@code sinceStartMs} is measured from the transaction's creation. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(Instant at, long sinceStartMs, String kind, String participant, String message, Long durationMs) {
    }

    public static TransactionView of(GlobalTransaction tx, List<BranchRecord> branches, List<TxEvent> events) {
        List<Event> timeline = events == null ? null : events.stream()
                .map(e -> new Event(e.at, java.time.Duration.between(tx.createdAt, e.at).toMillis(), e.kind,
                        e.participant, e.message, e.durationMs)).toList();
        return new TransactionView(tx.id, tx.protocol, tx.state, tx.state.outcome(), tx.decision, tx.reason,
                tx.createdAt, tx.updatedAt, Traces.traceId(tx.traceparent), tx.owner, tx.epoch, Math.max(1, tx.attempt),
                tx.firstAttempt, tx.previousAttempt, branches == null ? null : branches.stream().map(Branch::of).toList(), timeline);
    }
}
