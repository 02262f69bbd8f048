package dev.pledge.saga.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.pledge.common.metrics.CachedReading;
import dev.pledge.saga.protocol.Flow;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code pledge_sagas_running{flow}}: sagas that have not ended, read from the orchestrator's database at
 * most once a second however often it is scraped; NaN while the database cannot be read. Instances that
 * share the database all report the same count, so aggregate it across instances with {@code max}, not
 * {@code sum} (the counters of {@link SagaMetrics} are each instance's own share and do add up).
 */
@ApplicationScoped
public class RunningGauge {
    private final AgroalDataSource db;
    private final CachedReading<Map<Flow, Long>> counts = new CachedReading<>(Duration.ofSeconds(1), this::read);

    public RunningGauge(AgroalDataSource db) {
        this.db = db;
    }

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        for (Flow flow : Flow.values()) {
            Gauge.builder("pledge.sagas.running", counts,
                            c -> c.get().map(m -> (double) m.getOrDefault(flow, 0L)).orElse(Double.NaN))
                    .description("Sagas not yet at their end").tag("flow", flow.label()).register(registry);
        }
    }

    private Map<Flow, Long> read() throws SQLException {
        Map<Flow, Long> by = new EnumMap<>(Flow.class);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT flow, count(*) FROM sagas WHERE state NOT IN ('COMPLETED', 'COMPENSATED') GROUP BY flow");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long n = rs.getLong(2);
                Flow.of(rs.getString(1)).ifPresent(f -> by.put(f, n));
            }
        }
        return by;
    }
}
