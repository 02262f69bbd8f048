package dev.pledge.coordinator.metrics;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.pledge.common.metrics.CachedReading;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.protocol.Protocol;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code pledge_transactions_unfinished{protocol}}: transactions in the log that have not reached their end,
 * which is where participants may still hold prepared branches. Read from the log itself, at most once a
 * second however often it is scraped; NaN while the log cannot be read.
 */
@ApplicationScoped
public class UnfinishedGauge {
    private final CachedReading<Map<Protocol, Long>> counts;

    public UnfinishedGauge(DecisionLog log) {
        this.counts = new CachedReading<>(Duration.ofSeconds(1), log::unfinishedByProtocol);
    }

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        for (Protocol protocol : Protocol.values()) {
            Gauge.builder("pledge.transactions.unfinished", counts,
                            c -> c.get().map(m -> (double) m.getOrDefault(protocol, 0L)).orElse(Double.NaN))
                    .description("Transactions not yet at their end").tag("protocol", CoordinatorMetrics.label(protocol.label()))
                    .register(registry);
        }
    }
}
