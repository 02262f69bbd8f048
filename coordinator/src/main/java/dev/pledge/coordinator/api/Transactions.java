package dev.pledge.coordinator.api;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.coordinator.log.BranchRecord;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.GlobalTransaction;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.protocol.TxState;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

/** Reads of the decision log for the API. */
@ApplicationScoped
public class Transactions {
    @Inject
    DecisionLog log;

    /**
     * A transaction with its branches and its whole timeline: the timeline is written off the protocol's path,
     * so this waits (briefly) for the entries queued before it was asked.
     */
    public Optional<TransactionView> find(UUID id) {
        if (log.summary(id).isEmpty()) {
            return Optional.empty(); // an unknown id is answered at once
        }
        log.awaitTimeline(); // then the row, its branches and its timeline are read as they are after it
        return GlobalTransaction.<GlobalTransaction>findByIdOptional(id).map(tx -> TransactionView.of(tx,
                BranchRecord.<BranchRecord>list("txId", Sort.by("position"), id),
                TxEvent.<TxEvent>list("txId", Sort.by("at").and("id"), id)));
    }

    /** A transaction's state and outcome, without its branches and timeline. */
    public Optional<TransactionView> summary(UUID id) {
        return log.summary(id).map(tx -> TransactionView.of(tx, null, null));
    }

    /** The newest transactions first, optionally only those in some states. */
    public List<TransactionView> list(List<TxState> states, int limit) {
        Sort newest = Sort.descending("createdAt");
        PanacheQuery<GlobalTransaction> q = states.isEmpty()
                ? GlobalTransaction.findAll(newest)
                : GlobalTransaction.find("state in ?1", newest, states);
        return q.page(Page.ofSize(limit)).list().stream()
                .map(tx -> TransactionView.of(tx, BranchRecord.<BranchRecord>list("txId", Sort.by("position"), tx.id), null))
                .toList();
    }
}
