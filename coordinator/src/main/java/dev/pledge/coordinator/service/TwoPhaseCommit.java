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

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * decision to the log, then send it to every participant until each acknowledges.
 */
@ApplicationScoped
public class TwoPhaseCommit {

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    ExecutorService executor;
    @Inject
    ObjectMapper json;

    /** Runs one global transaction to its end (or to IN_DOUBT when phase 2 cannot finish now). */
    public UUID run(List<BranchSpec> branches, Duration timeout) {
        UUID id = UUID.randomUUID();
        log.begin(id, Protocol.TWO_PC, branches, timeout);
        List<Vote> votes = gatherVotes(id, branches, timeout);
        Decision decision = Decision.of(votes);
        log.decide(id, decision);
        if (sendDecision(id, branches, decision)) {
            log.finish(id);
        }
        return id;
    }

    private List<Vote> gatherVotes(UUID id, List<BranchSpec> branches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Vote>> pending = new ArrayList<>();
        for (BranchSpec b : branches) {
            pending.add(CompletableFuture.supplyAsync(() -> prepare(id, b), executor));
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
            Vote none = Vote.no(b.participant(), "no vote within the transaction timeout");
            log.recordVote(id, b.participant(), none, 0);
            return none;
        } catch (ExecutionException e) {
            throw new IllegalStateException("prepare of " + b.participant() + " failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for votes", e);
        }
    }

    private Vote prepare(UUID id, BranchSpec b) {
        String gid = DecisionLog.gid(id, b.participant());
        log.event(id, TxEvent.Kind.SEND, b.participant(), "prepare " + gid, null);
        long t0 = System.nanoTime();
        Vote vote;
        try {
            BranchReply reply = calls.prepare(b.url(), gid, json.readTree(b.operationJson()));
            vote = "YES".equals(reply.vote()) ? Vote.yes(b.participant()) : Vote.no(b.participant(), reply.reason());
        } catch (WebApplicationException e) {
            vote = Vote.no(b.participant(), "refused the prepare: HTTP " + e.getResponse().getStatus() + " "
                    + ProblemText.of(e));
        } catch (ProcessingException e) {
            vote = Vote.no(b.participant(), "unreachable: " + rootMessage(e));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("logged operation is not JSON", e);
        }
        log.recordVote(id, b.participant(), vote, millisSince(t0));
        return vote;
    }

    /** Sends the decision to every branch in parallel; true when all acknowledged. */
    private boolean sendDecision(UUID id, List<BranchSpec> branches, Decision decision) {
        List<CompletableFuture<Boolean>> acks = branches.stream()
                .map(b -> CompletableFuture.supplyAsync(() -> sendOne(id, b, decision), executor)).toList();
        return acks.stream().map(CompletableFuture::join).reduce(true, Boolean::logicalAnd);
    }

    private boolean sendOne(UUID id, BranchSpec b, Decision decision) {
        String gid = DecisionLog.gid(id, b.participant());
        boolean commit = decision.kind() == Decision.Kind.COMMIT;
        log.event(id, TxEvent.Kind.SEND, b.participant(), (commit ? "commit " : "abort ") + gid, null);
        long t0 = System.nanoTime();
        try {
            BranchReply reply = commit ? calls.commit(b.url(), gid) : calls.abort(b.url(), gid);
            log.recordAck(id, b.participant(), reply.state(), millisSince(t0));
            return true;
        } catch (WebApplicationException | ProcessingException e) {
            String why = e instanceof WebApplicationException w ? "HTTP " + w.getResponse().getStatus() + " "
                    + ProblemText.of(w) : rootMessage(e);
            log.event(id, TxEvent.Kind.ERROR, b.participant(), "no ack for " + (commit ? "commit" : "abort")
                    + " after retries: " + why, millisSince(t0));
            return false;
        }
    }

    private static long millisSince(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
    }
}
