package dev.pledge.participant.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.pledge.common.metrics.CachedReading;
import dev.pledge.participant.saga.SagaCommand;
import dev.pledge.participant.saga.SagaReply;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
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
 *       counts again).</li>
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
    }

    /** A saga command's transaction committed with this answer. */
    public void sagaCommand(SagaCommand.Kind kind, SagaReply.Outcome outcome) {
        Counter.builder("pledge.saga.commands").description("Saga commands handled, by kind and answer")
                .tags("kind", kind.name().toLowerCase(Locale.ROOT), "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
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
