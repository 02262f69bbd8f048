package dev.pledge.participant.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.metrics.CachedReading;
import dev.pledge.participant.contention.LockWaitEnded;
import dev.pledge.participant.contention.WaitRule;
import dev.pledge.participant.saga.CommandHandled;
import dev.pledge.participant.saga.SagaCommand;
import dev.pledge.participant.saga.SagaReply;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * What a participant counts, for Prometheus at {@code /q/metrics} (names there in brackets):
 * <ul>
 *   <li>branches in doubt: prepared transactions this participant's database holds, with their row locks,
 *       waiting for a decision ({@code pledge_branches_in_doubt}; read at most once a second, NaN while the
 *       database cannot be read);</li>
 *   <li>saga commands handled, by kind and the answer given ({@code pledge_saga_commands_total}, kind
 *       {@code action|compensation}, outcome {@code done|refused|skipped}; a repeat answered from the inbox
 *       counts again);</li>
 *   <li>prepares that voted NO over a lock ({@code pledge_lock_conflicts_total}, by the lock policy and
 *       {@code outcome} {@code give_way|time_out});</li>
 *   <li>how long prepares that had to wait for a row lock ran ({@code pledge_lock_wait_seconds}, by policy).</li>
 * </ul>
 */
@ApplicationScoped
public class ParticipantMetrics {
    private final MeterRegistry registry;
    private final AgroalDataSource db;
    private final CachedReading<Long> inDoubt = new CachedReading<>(Duration.ofSeconds(1), this::preparedHeld);

    public ParticipantMetrics(MeterRegistry registry, AgroalDataSource db) {
        this.registry = registry;
        this.db = db;
    }

    void register(@Observes StartupEvent event) {
        Gauge.builder("pledge.branches.in.doubt", inDoubt, r -> r.get().map(Long::doubleValue).orElse(Double.NaN))
                .description("Prepared transactions held, waiting for a decision").register(registry);
        for (LockPolicy policy : LockPolicy.values()) { // exported from the start, at zero, for every policy
            lockWaitTimer(policy.label());
            for (WaitRule.Outcome outcome : List.of(WaitRule.Outcome.GIVE_WAY, WaitRule.Outcome.TIME_OUT)) {
                lockConflicts(policy.label(), outcome);
            }
        }
    }

    /** A saga command's transaction committed with this answer. */
    void sagaCommand(@Observes CommandHandled handled) {
        SagaCommand.Kind kind = handled.kind();
        SagaReply.Outcome outcome = handled.outcome();
        Counter.builder("pledge.saga.commands").description("Saga commands handled, by kind and answer")
                .tags("kind", kind.name().toLowerCase(Locale.ROOT), "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    /** A prepare voted NO because its lock wait was ended by the policy or by its time. */
    public void lockConflict(String policy, WaitRule.Outcome outcome) {
        lockConflicts(policy, outcome).increment();
    }

    /** A prepare that waited for a row lock ran this long (waiting included). */
    void lockWait(@Observes LockWaitEnded wait) {
        lockWaitTimer(wait.policy()).record(wait.took());
    }

    private Counter lockConflicts(String policy, WaitRule.Outcome outcome) {
        return Counter.builder("pledge.lock.conflicts").description("Prepares that voted NO over a row lock, by policy and outcome")
                .tags("policy", policy, "outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry);
    }

    private Timer lockWaitTimer(String policy) {
        return Timer.builder("pledge.lock.wait").description("How long prepares that waited for a row lock took, by policy")
                .tags("policy", policy).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
    }

    private long preparedHeld() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
