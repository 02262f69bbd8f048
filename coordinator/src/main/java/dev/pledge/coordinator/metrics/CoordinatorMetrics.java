package dev.pledge.coordinator.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * What the coordinator counts, for Prometheus at {@code /q/metrics} (names there in brackets):
 * <ul>
 *   <li>transactions that reached their end, by protocol and outcome ({@code pledge_transactions_total}), and
 *       how long each took from begin to end ({@code pledge_transaction_duration_seconds}, a histogram);</li>
 *   <li>votes by participant and vote: yes, no, conflict (a NO over a row lock), or none when it could not be
 *       had ({@code pledge_votes_total});</li>
 *   <li>orders tried again after an attempt aborted over lock conflicts ({@code pledge_conflict_retries_total}),
 *       and those left aborted, by what stopped them ({@code pledge_conflict_gave_up_total}, why
 *       {@code attempts|time});</li>
 *   <li>recovery passes that took up a transaction, by what they found ({@code pledge_recoveries_total});</li>
 *   <li>transactions this replica took over from replicas whose lease expired ({@code pledge_takeovers_total});</li>
 *   <li>transactions not yet ended, by protocol ({@code pledge_transactions_unfinished}, see
 *       {@link UnfinishedGauge}).</li>
 * </ul>
 * Every end and recovery counter exists at zero from start-up. Labels are lower case: protocol {@code 2pc|3pc}, outcome {@code committed|aborted|mixed}.
 */
@ApplicationScoped
public class CoordinatorMetrics {
    /** What a recovery pass can find: see {@link #recovered}. */
    public static final List<String> FOUND = List.of("undecided", "precommitting", "decided");
    private final MeterRegistry registry;

    public CoordinatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The ends and recoveries there can be, at zero from the start, so a rate never misses the first one. */
    void register(@Observes StartupEvent event) {
        for (Protocol protocol : Protocol.values()) {
            for (TxState state : TxState.values()) {
                if (state.isFinal()) {
                    ended(protocol, state);
                }
            }
            conflictRetries(protocol);
            gaveUp(protocol, "attempts");
            gaveUp(protocol, "time");
        }
        for (String found : FOUND) {
            recoveries(found);
        }
        takeovers();
    }

    /** This replica took over {@code count} transactions from a replica whose lease expired. */
    public void takenOver(int count) {
        takeovers().increment(count);
    }

    private Counter takeovers() {
        return Counter.builder("pledge.takeovers").description("Unfinished transactions taken over from a replica whose lease expired")
                .register(registry);
    }

    /** A transaction reached a final state, {@code took} after it began. */
    public void ended(Protocol protocol, TxState state, Duration took) {
        String p = label(protocol.label());
        String outcome = label(state.name());
        ended(protocol, state).increment();
        Timer.builder("pledge.transaction.duration").description("Time from a transaction's begin to its end")
                .tags("protocol", p, "outcome", outcome)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry).record(took);
    }

    public void vote(String participant, Vote vote) {
        String value = vote.yes() ? "yes" : vote.conflict() ? "conflict" : vote.answered() ? "no" : "none";
        Counter.builder("pledge.votes").description("Votes asked for, by participant and what came back")
                .tags("participant", participant, "vote", value).register(registry).increment();
    }

    /** An order whose attempt aborted only over lock conflicts is tried again. */
    public void conflictRetry(Protocol protocol) {
        conflictRetries(protocol).increment();
    }

    /** An order aborted over lock conflicts is not tried again; {@code why} is {@code attempts} or {@code time}. */
    public void conflictGaveUp(Protocol protocol, String why) {
        gaveUp(protocol, why).increment();
    }

    private Counter conflictRetries(Protocol protocol) {
        return Counter.builder("pledge.conflict.retries").description("Orders tried again after an attempt aborted over lock conflicts")
                .tags("protocol", label(protocol.label())).register(registry);
    }

    private Counter gaveUp(Protocol protocol, String why) {
        return Counter.builder("pledge.conflict.gave.up").description("Orders left aborted over lock conflicts, by what stopped the retries")
                .tags("protocol", label(protocol.label()), "why", why).register(registry);
    }

    /** A recovery pass took up an unfinished transaction; {@code found} is undecided, precommitting or decided. */
    public void recovered(String found) {
        recoveries(found).increment();
    }

    private Counter ended(Protocol protocol, TxState state) {
        return Counter.builder("pledge.transactions").description("Transactions that reached their end")
                .tags("protocol", label(protocol.label()), "outcome", label(state.name())).register(registry);
    }

    private Counter recoveries(String found) {
        return Counter.builder("pledge.recoveries").description("Unfinished transactions taken up by a recovery pass")
                .tags("found", found).register(registry);
    }

    static String label(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
