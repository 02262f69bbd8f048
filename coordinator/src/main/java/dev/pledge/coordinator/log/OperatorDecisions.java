package dev.pledge.coordinator.log;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.TxState;
import io.agroal.api.AgroalDataSource;

/** An operator's forced outcomes, written to the decision log like the protocol's own writes: in plain JDBC, forced. */
@ApplicationScoped
public class OperatorDecisions {
    @Inject
    AgroalDataSource dataSource;
    @Inject
    Timeline timeline;

    /**
     * Records an operator's forced outcome (who, when, why) and, for an undecided transaction, logs it as the
     * decision, in the state the protocol logs that decision in. A decided transaction keeps its decision (the
     * caller checked that they agree). The row is locked first, and the write fails with {@link TakenOver} when
     * the transaction is no longer driven under {@code epoch}.
     */
    public void force(UUID txId, long epoch, Decision.Kind outcome, String by, String caller, String reason) {
        Instant now = Instant.now();
        TxState moved = LogRows.write(dataSource, true, "decision log", c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM transactions WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, txId);
                if (!lock.executeQuery().next()) {
                    throw new IllegalStateException("no transaction " + txId + " in the log");
                }
            }
            LogRows.Tx tx = LogRows.read(c, txId).drivenUnder(epoch);
            boolean commit = outcome == Decision.Kind.COMMIT;
            TxState s = tx.state();
            if (commit && (s == TxState.ABORTING || s == TxState.ABORTED) || !commit && (s == TxState.COMMITTING || s == TxState.COMMITTED)) {
                // decided while the operator's checks ran (by the replica that owned it then): never reversed
                throw ProblemException.conflict("transaction " + txId + " is " + s + ": its logged decision cannot be reversed");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO forced_outcomes (tx_id, outcome, forced_by,"
                    + " authenticated_as, reason, at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, txId);
                ps.setString(2, outcome.name());
                ps.setString(3, by);
                ps.setString(4, caller);
                ps.setString(5, reason);
                ps.setTimestamp(6, Timestamp.from(now));
                ps.executeUpdate();
            }
            if (s == TxState.PREPARING || s == TxState.PRECOMMITTING && !commit) {
                TxState next = s.moveTo(new Decision(outcome, null).loggedState(tx.protocol()));
                LogRows.moveTo(c, tx, next, outcome.name(), "forced by " + by + ": " + reason, now);
                return next;
            }
            return null;
        });
        timeline.add(txId, TxEvent.Kind.LOG, null, "operator " + by + " (signed as " + caller + ") forced " + outcome + ": "
                + reason, null);
        if (moved != null) {
            timeline.add(txId, TxEvent.Kind.LOG, null, "decision " + outcome + " forced to the log: state " + moved, null);
        }
    }
}
