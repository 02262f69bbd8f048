package dev.pledge.coordinator.client;

import java.net.URI;
import java.time.temporal.ChronoUnit;
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

import dev.pledge.common.identity.Bearer;
import dev.pledge.common.identity.ServiceIdentity;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.BranchApi.PrepareBody;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.ParticipantsConfig;
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
    private final ServiceIdentity identity;
    private final ParticipantsConfig participants;

    public ParticipantCalls(CoordinatorConfig config, ParticipantWatch watch, ServiceIdentity identity,
            ParticipantsConfig participants) {
        this.config = config;
        this.watch = watch;
        this.identity = identity;
        this.participants = participants;
    }

    /** A vote request to a suspected participant fails at once: it would only hold the others' locks longer. */
    public BranchReply prepare(String url, String gid, long epoch, JsonNode operation, long timeoutMs,
            BranchApi.Locking locking) {
        failFastIfSuspected(url);
        return guarded(url, () -> votedInTime(() -> client(url).prepare(gid, epoch, new PrepareBody(operation, timeoutMs,
                locking))));
    }

    public BranchReply canCommit(String url, String gid, long epoch, BranchApi.CanCommitBody body) {
        failFastIfSuspected(url);
        return guarded(url, () -> votedInTime(() -> client(url).canCommit(gid, epoch, body)));
    }

    /**
     * A vote request times out only when a participant that was reached did not answer within the time it was
     * given (it is paused, or overloaded): not a transport failure, so it does not count towards the circuit
     * breaker, which opens only for participants that cannot be reached. The failure detector's heartbeats
     * judge the paused one.
     */
    private static BranchReply votedInTime(Supplier<BranchReply> call) {
        try {
            return call.get();
        } catch (ProcessingException e) {
            if (isTimeout(e)) {
                throw new NoVoteInTime(e);
            }
            throw e;
        }
    }

    /** A vote that did not come within the read timeout: the participant was reached but did not answer. */
    public static final class NoVoteInTime extends RuntimeException {
        NoVoteInTime(Throwable cause) {
            super("no answer within the read timeout", cause);
        }
    }

    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || t.getClass().getSimpleName().contains("TimeoutException")) {
                return !(t instanceof io.netty.channel.ConnectTimeoutException);
            }
        }
        return false;
    }

    /** The circuit breaker of each participant's calls: CLOSED, OPEN or HALF_OPEN. */
    public Map<String, String> circuits() {
        return Map.copyOf(circuitStates);
    }

    /**
     * One guard per participant (SmallRye Fault Tolerance's programmatic Guard): a timeout one second past
     * the HTTP read timeout, as a backstop, and a circuit breaker: after most of ten calls failed to reach the
     * participant, calls fail at once for {@code pledge.coordinator.circuit-breaker-delay} (2 s) instead of each
     * waiting. Both read as "unreachable" to the protocol. Only transport failures count: an answer of any kind
     * (a NO over a lock conflict, a 4xx, a 5xx) and a vote that came too late ({@link NoVoteInTime}) do not.
     */
    private BranchReply guarded(String url, Supplier<BranchReply> call) {
        Guard guard = guards.computeIfAbsent(url, u -> Guard.create().withDescription("participant " + u)
                .withTimeout().duration(config.callTimeout().toMillis() + 1000, ChronoUnit.MILLIS).done()
                .withCircuitBreaker().requestVolumeThreshold(10).failureRatio(0.6)
                .delay(config.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(2).when(t -> t instanceof ProcessingException || t instanceof TimeoutException)
                .onStateChange(state -> circuitStates.put(u, state.name())).done()
                .build());
        try {
            return guard.get(call, BranchReply.class);
        } catch (CircuitBreakerOpenException e) {
            throw new ProcessingException("circuit breaker is open after repeated failures to reach it (calls fail at once"
                    + " for " + config.circuitBreakerDelay().toMillis() + " ms)", e);
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
                .register(new Bearer(identity, audience(u)))
                .build(BranchApi.class));
    }

    /**
     * Whom the coordinator's token for this URL is for: the configured participant at exactly this URL. Any other
     * URL (a branch of POST /transactions naming a participant of its own) gets no token, so the coordinator's
     * token never reaches a server it was not configured to trust.
     */
    private String audience(String url) {
        return participants.byName().entrySet().stream().filter(e -> e.getValue().url().equals(url))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }
}
