package dev.pledge.coordinator.client;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;

import org.eclipse.microprofile.faulttolerance.Retry;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.BranchApi.PrepareBody;
import dev.pledge.coordinator.config.CoordinatorConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * Calls to participants, one REST client per base URL. Phase-2 messages are retried with backoff: a
 * decided outcome must reach every participant. A participant's 4xx answer is final and not retried.
 */
@ApplicationScoped
public class ParticipantCalls {
    private final Map<String, BranchApi> clients = new ConcurrentHashMap<>();
    private final CoordinatorConfig config;

    public ParticipantCalls(CoordinatorConfig config) {
        this.config = config;
    }

    public BranchReply prepare(String url, String gid, JsonNode operation, long timeoutMs) {
        return client(url).prepare(gid, new PrepareBody(operation, timeoutMs));
    }

    public BranchReply canCommit(String url, String gid, BranchApi.CanCommitBody body) {
        return client(url).canCommit(gid, body);
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply preCommit(String url, String gid) {
        return client(url).preCommit(gid);
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply doCommit(String url, String gid) {
        return client(url).doCommit(gid);
    }

    /** A branch's state as its participant sees it; a 404 means it never prepared. */
    public BranchReply state(String url, String gid) {
        return client(url).state(gid);
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply commit(String url, String gid) {
        return client(url).commit(gid);
    }

    @Retry(maxRetries = 4, delay = 100, delayUnit = ChronoUnit.MILLIS, jitter = 50, abortOn = ClientErrorException.class)
    public BranchReply abort(String url, String gid) {
        return client(url).abort(gid);
    }

    private BranchApi client(String url) {
        return clients.computeIfAbsent(url, u -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(u))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(BranchApi.class));
    }
}
