package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.config.Pools;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Decision.Vote;

/**
 * The voting phase both protocols share: ask every branch in parallel (2PC prepare, 3PC can-commit),
 * within the transaction's timeout. No answer in time counts as NO. Each answer goes on the timeline as it
 * arrives; the votes themselves are logged with the decision made from them.
 */
@ApplicationScoped
public class Votes {

    /** Sends the vote request for one branch; {@code budgetMs} is how long the coordinator still waits. */
    @FunctionalInterface
    public interface Request {
        BranchReply send(BranchSpec branch, String gid, JsonNode operation, long budgetMs);
    }

    @Inject
    DecisionLog log;
    @Inject
    CrashPoints crashPoints;
    @Inject
    @Named(Pools.CALLS)
    ExecutorService executor;
    @Inject
    ObjectMapper json;
    @Inject
    CoordinatorMetrics metrics;

    public List<Vote> gather(UUID id, List<BranchSpec> branches, Duration timeout, String message, Request request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AtomicBoolean first = new AtomicBoolean(true);
        List<CompletableFuture<Vote>> pending = new ArrayList<>();
        for (BranchSpec b : branches) {
            pending.add(CompletableFuture.supplyAsync(() -> ask(id, b, message, request, deadline, first), executor));
        }
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            votes.add(await(id, branches.get(i), pending.get(i), deadline));
        }
        votes.forEach(v -> metrics.vote(v.participant(), v)); // the votes counted, not a late answer after them
        return votes;
    }

    private Vote await(UUID id, BranchSpec b, CompletableFuture<Vote> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Vote none = Vote.none(b.participant(), "no vote within the transaction timeout");
            log.event(id, TxEvent.Kind.ERROR, b.participant(), "no vote: " + none.reason(), null);
            return none;
        } catch (ExecutionException e) {
            throw new IllegalStateException("vote of " + b.participant() + " failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for votes", e);
        }
    }

    private Vote ask(UUID id, BranchSpec b, String message, Request request, long deadline, AtomicBoolean first) {
        String gid = DecisionLog.gid(id, b.participant());
        log.event(id, TxEvent.Kind.SEND, b.participant(), message + " " + gid, null);
        long t0 = System.nanoTime();
        Vote vote;
        try {
            long budgetMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            BranchReply reply = request.send(b, gid, json.readTree(b.operationJson()), budgetMs);
            vote = "YES".equals(reply.vote()) ? Vote.yes(b.participant()) : Vote.no(b.participant(), reply.reason());
        } catch (WebApplicationException e) {
            String why = "refused the " + message + ": " + Calls.describe(e);
            vote = e.getResponse().getStatus() < 500 ? Vote.no(b.participant(), why) : Vote.none(b.participant(), why);
        } catch (ProcessingException e) {
            vote = Vote.none(b.participant(), "unreachable: " + Calls.describe(e));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("logged operation is not JSON", e);
        }
        log.event(id, vote.answered() ? TxEvent.Kind.RECEIVE : TxEvent.Kind.ERROR, b.participant(),
                (vote.answered() ? "vote " + (vote.yes() ? "YES" : "NO") : "no vote")
                        + (vote.reason() == null ? "" : ": " + vote.reason()), Calls.millisSince(t0));
        if (first.getAndSet(false)) {
            crashPoints.hit("after-first-prepare");
        }
        return vote;
    }
}
