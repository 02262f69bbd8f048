package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.client.BranchApi;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.Pools;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision.Vote;

/**
 * The voting phase both protocols share: ask every branch (2PC prepare, 3PC can-commit) within the
 * transaction's timeout, in parallel, or one after another in participant order under the {@code ordered} lock
 * policy. No answer in time counts as NO. Each participant is given a little less time than the coordinator
 * listens, so a participant that waits for a lock answers NO before the coordinator gives up on it. Each answer
 * goes on the timeline as it arrives; the votes themselves are logged with the decision made from them.
 */
@ApplicationScoped
public class Votes {

    /** Sends the vote request for one branch; {@code budgetMs} is how long the participant may take to vote. */
    @FunctionalInterface
    public interface Request {
        BranchReply send(BranchSpec branch, String gid, JsonNode operation, long budgetMs);
    }

    /**
     * What a participant leaves of the time the coordinator listens, to end its wait, record its NO and answer:
     * a fifth of that time, at least this much (and at most half of it).
     */
    static final long ANSWER_MARGIN_MS = 250;

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
    @Inject
    CoordinatorConfig config;

    /** @param policy under {@code ordered}, the branches are asked one at a time in participant order */
    public List<Vote> gather(UUID id, List<BranchSpec> branches, Duration timeout, String message, LockPolicy policy,
            Request request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AtomicBoolean first = new AtomicBoolean(true);
        if (policy.sequential()) {
            return inOrder(id, branches, message, timeout, request, deadline, first);
        }
        List<CompletableFuture<Vote>> pending = new ArrayList<>();
        CompletableFuture<Vote> firstNo = new CompletableFuture<>();
        for (BranchSpec b : branches) {
            CompletableFuture<Vote> vote = CompletableFuture.supplyAsync(() -> ask(id, b, message, request, deadline, first),
                    executor);
            vote.thenAccept(v -> {
                if (!v.yes()) {
                    firstNo.complete(v);
                }
            });
            pending.add(vote);
        }
        awaitAllOrANo(pending, firstNo, deadline);
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            CompletableFuture<Vote> f = pending.get(i);
            votes.add(f.isDone() || !firstNo.isDone() ? await(id, branches.get(i), message, timeout, f, deadline)
                    : Vote.notAwaited(branches.get(i).participant(), "not awaited: " + firstNo.join().participant()
                            + " voted NO, so the transaction aborts (and its prepare here is cancelled)"));
        }
        votes.stream().filter(v -> !v.skipped()).forEach(v -> metrics.vote(v.participant(), v)); // not a late answer
        return votes;
    }

    /**
     * Waits until every branch voted, one voted NO (the transaction aborts whatever the others say, so a prepare
     * still waiting for a lock is not waited for: the abort cancels it and frees what the others hold), or the
     * deadline passed.
     */
    private static void awaitAllOrANo(List<CompletableFuture<Vote>> pending, CompletableFuture<Vote> firstNo, long deadline) {
        try {
            CompletableFuture.anyOf(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)), firstNo)
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // each vote still missing is counted as none below
        } catch (ExecutionException e) {
            throw new IllegalStateException("a vote failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for votes", e);
        }
    }

    /**
     * The ordered policy: one branch at a time, in participant order, so a transaction waiting at a participant
     * holds rows only at participants earlier in the order. After a NO the later branches are not asked: they
     * hold nothing, and their NO says so. The votes come back in the order asked.
     */
    private List<Vote> inOrder(UUID id, List<BranchSpec> branches, String message, Duration timeout, Request request,
            long deadline, AtomicBoolean first) {
        List<Vote> votes = new ArrayList<>();
        Vote refused = null;
        for (BranchSpec b : branches.stream().sorted(Comparator.comparing(BranchSpec::participant)).toList()) {
            if (refused != null) {
                votes.add(Vote.notAsked(b.participant(), "not asked: " + refused.participant() + " voted NO first"
                        + " (ordered prepares)"));
                continue;
            }
            Vote v = await(id, b, message, timeout, CompletableFuture.supplyAsync(() -> ask(id, b, message, request, deadline, first),
                    executor), deadline);
            metrics.vote(v.participant(), v);
            votes.add(v);
            if (!v.yes()) {
                refused = v;
            }
        }
        return votes;
    }

    private Vote await(UUID id, BranchSpec b, String message, Duration timeout, CompletableFuture<Vote> future,
            long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Vote none = Vote.none(b.participant(), "no vote on the " + message + " before the transaction's time of "
                    + timeout.toMillis() + " ms ran out (the participant was asked to answer sooner, so it was slow or"
                    + " unreachable)");
            log.event(id, TxEvent.Kind.ERROR, b.participant(), none.reason(), null);
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
        long budgetMs = participantBudget(deadline);
        try {
            BranchReply reply = request.send(b, gid, json.readTree(b.operationJson()), budgetMs);
            vote = "YES".equals(reply.vote()) ? Vote.yes(b.participant())
                    : reply.conflict() != null ? Vote.conflict(b.participant(), reply.reason())
                    : Vote.no(b.participant(), reply.reason());
        } catch (WebApplicationException e) {
            String why = "refused the " + message + ": " + Calls.describe(e, message, b.url());
            vote = e.getResponse().getStatus() < 500 ? Vote.no(b.participant(), why) : Vote.none(b.participant(), why);
        } catch (ParticipantCalls.NoVoteInTime e) {
            vote = Vote.none(b.participant(), "no vote on the " + message + " within " + Calls.millisSince(t0)
                    + " ms: the participant was reached and asked to answer within " + budgetMs + " ms, but did not");
        } catch (ProcessingException e) {
            vote = Vote.none(b.participant(), "unreachable: " + Calls.describe(e, message, b.url()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("logged operation is not JSON", e);
        }
        log.event(id, vote.answered() ? TxEvent.Kind.RECEIVE : TxEvent.Kind.ERROR, b.participant(),
                onTimeline(vote), Calls.millisSince(t0));
        if (first.getAndSet(false)) {
            crashPoints.hit("after-first-prepare");
        }
        return vote;
    }

    /** "vote YES", "vote NO: why", or why no vote came ("no vote on the prepare within ...", "no vote: unreachable: ..."). */
    private static String onTimeline(Vote vote) {
        String why = vote.reason() == null ? "" : ": " + vote.reason();
        if (vote.answered()) {
            return "vote " + (vote.yes() ? "YES" : "NO") + why;
        }
        return vote.reason() != null && vote.reason().startsWith("no vote") ? vote.reason() : "no vote" + why;
    }

    /** The lock policy and the order's age, as every vote request of the attempt carries them. */
    static BranchApi.Locking locking(Attempt attempt) {
        return new BranchApi.Locking(attempt.policy().label(), attempt.begunAt(), attempt.first());
    }

    /**
     * How long a participant may take to vote: what is left of the transaction's time, no more than one call may
     * take, less a margin for its answer to come back, so a participant never goes on waiting for a lock after
     * the coordinator has stopped listening.
     */
    long participantBudget(long deadline) {
        long listenMs = Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()), config.callTimeout().toMillis());
        long margin = Math.min(listenMs / 2, Math.max(ANSWER_MARGIN_MS, listenMs / 5));
        return Math.max(1, listenMs - margin);
    }
}
