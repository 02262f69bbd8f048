package dev.pledge.saga.metrics;

import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.SagaState.Status;
import dev.pledge.saga.protocol.StepDefinition;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.service.SagaSignal;
import dev.pledge.saga.store.Tx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * What the orchestrator counts, for Prometheus at {@code /q/metrics} (names there in brackets). Each is
 * counted once the change it stands for has committed, by the instance that committed it, so the sum over
 * instances counts every change once.
 * <ul>
 *   <li>sagas that ended, by flow and outcome ({@code pledge_sagas_total}), and how long each took
 *       ({@code pledge_saga_duration_seconds}, a histogram);</li>
 *   <li>compensations sent, by flow and step ({@code pledge_saga_compensations_total}; a retried
 *       compensation counts once);</li>
 *   <li>commands sent again after a failure or a timeout, by flow, step and whether it was an action or a
 *       compensation ({@code pledge_saga_retries_total});</li>
 *   <li>commands that got no reply in time ({@code pledge_saga_timeouts_total});</li>
 *   <li>sagas not yet ended, by flow ({@code pledge_sagas_running}, see {@link RunningGauge}).</li>
 * </ul>
 * Every counter a saga can move exists at zero from start-up.
 * Labels are lower case: flow {@code sequential|parallel|forward-recovery|choreography}, outcome
 * {@code completed|compensated}.
 */
@ApplicationScoped
public class SagaMetrics {
    private final MeterRegistry registry;

    public SagaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Every series a saga of this definition can move, at zero from the start: a rate over a series that
     * appears only with its first event would miss that event.
     */
    void register(@Observes StartupEvent event, SagaDefinition definition) {
        for (Flow flow : Flow.values()) {
            for (Status status : Status.values()) {
                if (status.isFinal()) {
                    ended(flow, status.name());
                }
            }
            if (!flow.orchestrated()) {
                continue;
            }
            for (StepDefinition step : definition.steps()) {
                for (boolean compensation : step.compensable() ? new boolean[] {false, true} : new boolean[] {false}) {
                    retries(flow, step.name(), compensation);
                    timeouts(flow, step.name(), compensation);
                }
                if (step.compensable()) {
                    compensations(flow, step.name());
                }
            }
        }
    }

    void ended(@Observes SagaSignal.Ended e) {
        Flow flow = e.flow();
        String status = e.status();
        Duration took = e.took();
        Tx.afterCommit(() -> {
            ended(flow, status).increment();
            Timer.builder("pledge.saga.duration").description("Time from a saga's start to its end")
                    .tags("flow", flow.label(), "outcome", status.toLowerCase(Locale.ROOT))
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry).record(took);
        });
    }

    void compensation(@Observes SagaSignal.Compensating e) {
        Tx.afterCommit(() -> compensations(e.flow(), e.step()).increment());
    }

    void retry(@Observes SagaSignal.Retried e) {
        Tx.afterCommit(() -> retries(e.flow(), e.step(), e.compensation()).increment());
    }

    void timeout(@Observes SagaSignal.TimedOut e) {
        Tx.afterCommit(() -> timeouts(e.flow(), e.step(), e.compensation()).increment());
    }

    private Counter ended(Flow flow, String status) {
        return Counter.builder("pledge.sagas").description("Sagas that reached their end")
                .tags("flow", flow.label(), "outcome", status.toLowerCase(Locale.ROOT)).register(registry);
    }

    private Counter compensations(Flow flow, String step) {
        return Counter.builder("pledge.saga.compensations").description("Compensations sent")
                .tags("flow", flow.label(), "step", step).register(registry);
    }

    private Counter retries(Flow flow, String step, boolean compensation) {
        return Counter.builder("pledge.saga.retries").description("Commands sent again")
                .tags("flow", flow.label(), "step", step, "kind", kind(compensation)).register(registry);
    }

    private Counter timeouts(Flow flow, String step, boolean compensation) {
        return Counter.builder("pledge.saga.timeouts").description("Commands that got no reply in time")
                .tags("flow", flow.label(), "step", step, "kind", kind(compensation)).register(registry);
    }

    private static String kind(boolean compensation) {
        return compensation ? "compensation" : "action";
    }
}
