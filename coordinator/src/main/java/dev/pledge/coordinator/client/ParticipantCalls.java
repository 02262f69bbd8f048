package dev.pledge.coordinator.client;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.ProcessingException;

import java.util.function.Supplier;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.BranchApi.PrepareBody;
import dev.pledge.coordinator.config.CoordinatorConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.Guard;

/**
 * Calls to participants, one REST client per base URL. Phase-2 messages are retried with backoff: a
 * decided outcome must reach every participant. A participant's 4xx answer is final and not retried; a 412
 * means the call's epoch is stale ({@link #isStaleEpoch}).
 */
@ApplicationScoped
public class ParticipantCalls {
    private final Map<String, BranchApi> clients = new ConcurrentHashMap<>();
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final Map<String, String> circuitStates = new ConcurrentHashMap<>();
    private final CoordinatorConfig config;
    private final ParticipantWatch watch;

    public ParticipantCalls(CoordinatorConfig config, ParticipantWatch watch) {
        this.config = config;
        this.watch = watch;
    }

    /** A vote request to a suspected participant fails at once: it would only hold the others' locks longer. */
    public BranchReply prepare(String url, String gid, long epoch, JsonNode operation, long timeoutMs) {
        failFastIfSuspected(url);
        return guarded(url, () -> client(url).prepare(gid, epoch, new PrepareBody(operation, timeoutMs)));
    }

    public BranchReply canCommit(String url, String gid, long epoch, BranchApi.CanCommitBody body) {
        failFastIfSuspected(url);
        return guarded(url, () -> client(url).canCommit(gid, epoch, body));
    }

    /** The circuit breaker of each participant's calls: CLOSED, OPEN or HALF_OPEN. */
    public Map<String, String> circuits() {
        return Map.copyOf(circuitStates);
    }

    /**
     * One guard per participant (SmallRye Fault Tolerance's programmatic Guard): a timeout one second past
     * the HTTP read timeout, as a backstop, and a circuit breaker: after most of ten calls failed, calls
     * fail at once for {@code pledge.coordinator.circuit-breaker-delay} (2 s) instead of each waiting. Both read
     * as "unreachable" to the protocol.
     */
    private BranchReply guarded(String url, Supplier<BranchReply> call) {
        Guard guard = guards.computeIfAbsent(url, u -> Guard.create().withDescription("participant " + u)
                .withTimeout().duration(config.callTimeout().toMillis() + 1000, ChronoUnit.MILLIS).done()
                .withCircuitBreaker().requestVolumeThreshold(10).failureRatio(0.6)
                .delay(config.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(2).failOn(List.of(ProcessingException.class, TimeoutException.class))
                .onStateChange(state -> circuitStates.put(u, state.name())).done()
                .build());
        try {
            return guard.get(call, BranchReply.class);
        } catch (CircuitBreakerOpenException e) {
            throw new ProcessingException("circuit breaker open after repeated failures to reach it", e);
        } catch (TimeoutException e) {
            throw new ProcessingException("no answer within " + (config.callTimeout().toMillis() + 1000) + " ms", e);
        }
    }

    private void failFastIfSuspected(String url) {
        if (watch.stillSuspectedAfterProbe(url)) {
            double phi = watch.phi(url).orElse(0.0);
            throw new ProcessingException("suspected down by the failure detector (phi "
                    + (phi > 1000 ? "> 1000" : String.format("%.1f", phi)) + "), not asked");
        }
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply preCommit(String url, String gid, long epoch) {
        return guarded(url, () -> client(url).preCommit(gid, epoch));
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply doCommit(String url, String gid, long epoch) {
        return guarded(url, () -> client(url).doCommit(gid, epoch));
    }

    /** A branch's state as its participant sees it; a 404 means it never prepared. */
    public BranchReply state(String url, String gid) {
        return guarded(url, () -> client(url).state(gid));
    }

    /**
     * A branch's state, read under an epoch: the participant raises its fence first, so no call of an older
     * epoch (a frozen replica's late pre-commit) can change the branch after this read.
     */
    public BranchReply state(String url, String gid, long epoch) {
        return guarded(url, () -> client(url).state(gid, epoch));
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply commit(String url, String gid, long epoch) {
        return guarded(url, () -> client(url).commit(gid, epoch));
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply abort(String url, String gid, long epoch) {
        return guarded(url, () -> client(url).abort(gid, epoch));
    }

    /** A participant refused the call because a newer epoch of the transaction has reached it: another replica drives it. */
    public static boolean isStaleEpoch(RuntimeException e) {
        return e instanceof jakarta.ws.rs.WebApplicationException w && w.getResponse().getStatus() == 412;
    }

    private BranchApi client(String url) {
        return clients.computeIfAbsent(url, u -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(u))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(BranchApi.class));
    }
}
