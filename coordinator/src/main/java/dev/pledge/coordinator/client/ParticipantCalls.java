package dev.pledge.coordinator.client;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.common.identity.Bearer;
import dev.pledge.common.identity.ServiceIdentity;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.BranchApi.PrepareBody;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.ParticipantsConfig;
import io.opentelemetry.context.Context;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.TypedGuard;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * Calls to participants, one REST client per base URL, each a pooled keep-alive connection set. Every call is
 * asynchronous: it is sent from the calling thread and answered on the HTTP client's event loop, so a
 * transaction's calls go out together with no thread handed each one. Phase-2 messages are retried with
 * backoff ({@code pledge.coordinator.phase-two-retries}): a decided outcome must reach every participant, and
 * recovery sends it again after that. A participant's 4xx answer is final and not retried;
 * a 412 means the call's epoch is stale ({@link #isStaleEpoch}). A failed stage carries the exception itself
 * (a {@link WebApplicationException} for an answer, a {@link ProcessingException} when none came), never a
 * {@link CompletionException} around it.
 */
@ApplicationScoped
public class ParticipantCalls {
    private static final TypeLiteral<CompletionStage<BranchReply>> REPLY = new TypeLiteral<>() {
    };

    private final Map<String, BranchApi> clients = new ConcurrentHashMap<>();
    private final Map<String, TypedGuard<CompletionStage<BranchReply>>> guards = new ConcurrentHashMap<>();
    private final Map<String, String> circuitStates = new ConcurrentHashMap<>();
    /** Phase 2's retries, around the participant's guard, so each attempt passes its circuit breaker. */
    private volatile TypedGuard<CompletionStage<BranchReply>> retries;
    private volatile Executor probes;
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
    public CompletionStage<BranchReply> prepare(String url, String gid, long epoch, JsonNode operation, long timeoutMs,
            BranchApi.Locking locking) {
        return vote(url, () -> client(url).prepare(gid, epoch, new PrepareBody(operation, timeoutMs, locking)));
    }

    public CompletionStage<BranchReply> canCommit(String url, String gid, long epoch, BranchApi.CanCommitBody body) {
        return vote(url, () -> client(url).canCommit(gid, epoch, body));
    }

    /**
     * A vote request times out only when a participant that was reached did not answer within the time it was
     * given (it is paused, or overloaded): not a transport failure, so it does not count towards the circuit
     * breaker, which opens only for participants that cannot be reached. The failure detector's heartbeats
     * judge the paused one.
     */
    private CompletionStage<BranchReply> vote(String url, Supplier<CompletionStage<BranchReply>> call) {
        Supplier<CompletionStage<BranchReply>> guardedCall = () -> guarded(url, () -> CallFailures.failingWith(call,
                e -> e instanceof ProcessingException && CallFailures.isTimeout(e) ? new CallFailures.NoVoteInTime(e) : e));
        if (!watch.suspected(url)) {
            return guardedCall.get();
        }
        // its probe (a heartbeat, up to a second) runs apart, so the other branches' requests are not held up
        return CompletableFuture.supplyAsync(() -> suspected(url), probes()).thenCompose(why -> why == null
                ? guardedCall.get() : CompletableFuture.failedFuture(new ProcessingException(why)));
    }

    /** Threads for the probes of suspected participants, carrying the transaction's trace. */
    private Executor probes() {
        Executor p = probes;
        if (p == null) {
            p = Context.taskWrapping(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "participant-probe");
                t.setDaemon(true);
                return t;
            }));
            probes = p;
        }
        return p;
    }

    /** The circuit breaker of each participant's calls: CLOSED, OPEN or HALF_OPEN. */
    public Map<String, String> circuits() {
        return Map.copyOf(circuitStates);
    }

    /**
     * One guard per participant (SmallRye Fault Tolerance's programmatic TypedGuard, on the calling thread): a
     * timeout one second past the HTTP read timeout, as a backstop, and a circuit breaker: after most of ten calls
     * failed to reach the participant, calls fail at once for {@code pledge.coordinator.circuit-breaker-delay}
     * (2 s) instead of each waiting. Both read as "unreachable" to the protocol. Only transport failures count: an
     * answer of any kind (a NO over a lock conflict, a 4xx, a 5xx) and a vote that came too late
     * ({@link CallFailures.NoVoteInTime}) do not.
     */
    private CompletionStage<BranchReply> guarded(String url, Supplier<CompletionStage<BranchReply>> call) {
        TypedGuard<CompletionStage<BranchReply>> guard = guards.computeIfAbsent(url, u -> TypedGuard.create(REPLY)
                .withDescription("participant " + u).with(ParticipantCalls::inPlace)
                .withTimeout().duration(config.callTimeout().toMillis() + 1000, ChronoUnit.MILLIS).done()
                .withCircuitBreaker().requestVolumeThreshold(10).failureRatio(0.6)
                .delay(config.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(2).when(t -> t instanceof ProcessingException || t instanceof TimeoutException)
                .onStateChange(state -> circuitStates.put(u, state.name())).done()
                .build());
        // the breaker judges the failure as the blocking client would have thrown it (a read time-out as a
        // ProcessingException): the asynchronous client leaves some transport failures bare
        return CallFailures.failingWith(() -> guard.get(() -> CallFailures.failingWith(call, e -> e)), e -> e instanceof CircuitBreakerOpenException
                ? new ProcessingException("circuit breaker is open after repeated failures to reach it (calls fail at"
                        + " once for " + config.circuitBreakerDelay().toMillis() + " ms)", e)
                : e instanceof TimeoutException
                        ? new ProcessingException("no answer within " + (config.callTimeout().toMillis() + 1000) + " ms", e)
                        : e);
    }

    /** Why a vote request is not sent: the failure detector suspects the participant still, after a probe. */
    private String suspected(String url) {
        if (!watch.stillSuspectedAfterProbe(url)) {
            return null;
        }
        double phi = watch.phi(url).orElse(0.0);
        return "suspected down by the failure detector (phi " + (phi > 1000 ? "> 1000" : String.format("%.1f", phi))
                + "), not asked";
    }

    /**
     * Runs a guarded call on the calling thread and hands its end on where it comes (the HTTP client's event
     * loop). Without an executor of its own a guard that is called on a Vert.x thread (a request's worker thread)
     * would deliver each end to that thread's context: one more thread hand-off per call.
     */
    private static <T> void inPlace(TypedGuard.Builder<T> guard) {
        guard.withThreadOffload(true).withThreadOffloadExecutor(Runnable::run);
    }

    /** Built on first use: the guards come from the running application. */
    private TypedGuard<CompletionStage<BranchReply>> retried() {
        TypedGuard<CompletionStage<BranchReply>> r = retries;
        if (r == null) {
            r = TypedGuard.create(REPLY).withDescription("phase-2 message").with(ParticipantCalls::inPlace)
                    .withRetry().maxRetries(config.phaseTwoRetries()).delay(100, ChronoUnit.MILLIS)
                    .jitter(50, ChronoUnit.MILLIS).whenException(CallFailures::worthRetrying).done()
                    .build();
            retries = r;
        }
        return r;
    }

    /**
     * A phase-2 message, retried; each attempt carries the trace of the transaction it belongs to, also when the
     * guard's timer thread makes it.
     */
    private CompletionStage<BranchReply> retried(Supplier<CompletionStage<BranchReply>> call, String url) {
        return retried().get(Context.current().wrapSupplier(() -> guarded(url, call)));
    }

    public CompletionStage<BranchReply> preCommit(String url, String gid, long epoch) {
        return retried(() -> client(url).preCommit(gid, epoch), url);
    }

    public CompletionStage<BranchReply> doCommit(String url, String gid, long epoch) {
        return retried(() -> client(url).doCommit(gid, epoch), url);
    }

    public CompletionStage<BranchReply> commit(String url, String gid, long epoch) {
        return retried(() -> client(url).commit(gid, epoch), url);
    }

    public CompletionStage<BranchReply> abort(String url, String gid, long epoch) {
        return retried(() -> client(url).abort(gid, epoch), url);
    }

    /** A branch's state as its participant sees it, waiting for it; a 404 means it never prepared. */
    public BranchReply state(String url, String gid) {
        return CallFailures.awaited(guarded(url, () -> client(url).state(gid)));
    }

    /**
     * A branch's state, read under an epoch, waiting for it: the participant raises its fence first, so no call of
     * an older epoch (a frozen replica's late pre-commit) can change the branch after this read.
     */
    public BranchReply state(String url, String gid, long epoch) {
        return CallFailures.awaited(guarded(url, () -> client(url).state(gid, epoch)));
    }

    private BranchApi client(String url) {
        return clients.computeIfAbsent(url, u -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(u))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property(QuarkusRestClientProperties.KEEP_ALIVE_ENABLED, true)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, config.connectionsPerParticipant())
                .property(QuarkusRestClientProperties.HTTP2, config.participantHttp2())
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
