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
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Protocol;

/**
 * Two-phase commit, coordinator side: log the transaction, gather the votes in parallel, force the
 * decision to the log, then send it to every participant until each acknowledges (see {@link PhaseTwo}).
 */
@ApplicationScoped
public class TwoPhaseCommit {

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    PhaseTwo phaseTwo;
    @Inject
    InFlight inFlight;
    @Inject
    CrashPoints crashPoints;
    @Inject
    ExecutorService executor;
    @Inject
    ObjectMapper json;

    /** Runs one global transaction to its end (or to IN_DOUBT when phase 2 cannot finish now). */
    public UUID run(List<BranchSpec> branches, Duration timeout) {
        UUID id = UUID.randomUUID();
        inFlight.claim(id);
        try {
            log.begin(id, Protocol.TWO_PC, branches, timeout);
            crashPoints.hit("before-prepare");
            List<Vote> votes = gatherVotes(id, branches, timeout);
            crashPoints.hit("after-votes");
            log.decide(id, Decision.of(votes));
            crashPoints.hit("after-decision");
            phaseTwo.complete(id);
            return id;
        } finally {
            inFlight.release(id);
        }
    }

    private List<Vote> gatherVotes(UUID id, List<BranchSpec> branches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AtomicBoolean first = new AtomicBoolean(true);
        List<CompletableFuture<Vote>> pending = new ArrayList<>();
        for (BranchSpec b : branches) {
            pending.add(CompletableFuture.supplyAsync(() -> prepare(id, b, first, deadline), executor));
        }
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            votes.add(await(id, branches.get(i), pending.get(i), deadline));
        }
        return votes;
    }

    private Vote await(UUID id, BranchSpec b, CompletableFuture<Vote> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Vote none = Vote.none(b.participant(), "no vote within the transaction timeout");
            log.recordVote(id, b.participant(), none, 0);
            return none;
        } catch (ExecutionException e) {
            throw new IllegalStateException("prepare of " + b.participant() + " failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for votes", e);
        }
    }

    private Vote prepare(UUID id, BranchSpec b, AtomicBoolean first, long deadline) {
        String gid = DecisionLog.gid(id, b.participant());
        log.event(id, TxEvent.Kind.SEND, b.participant(), "prepare " + gid, null);
        long t0 = System.nanoTime();
        Vote vote;
        try {
            long budgetMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            BranchReply reply = calls.prepare(b.url(), gid, json.readTree(b.operationJson()), budgetMs);
            vote = "YES".equals(reply.vote()) ? Vote.yes(b.participant()) : Vote.no(b.participant(), reply.reason());
        } catch (WebApplicationException e) {
            String why = "refused the prepare: " + Calls.describe(e);
            vote = e.getResponse().getStatus() < 500 ? Vote.no(b.participant(), why) : Vote.none(b.participant(), why);
        } catch (ProcessingException e) {
            vote = Vote.none(b.participant(), "unreachable: " + Calls.describe(e));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("logged operation is not JSON", e);
        }
        log.recordVote(id, b.participant(), vote, Calls.millisSince(t0));
        if (first.getAndSet(false)) {
            crashPoints.hit("after-first-prepare");
        }
        return vote;
    }
}
