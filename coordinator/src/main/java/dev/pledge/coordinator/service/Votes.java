package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.coordinator.client.BranchApi;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.CallFailures;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.service.Arrivals.Arrival;

/**
 * The voting phase both protocols share: ask every branch (2PC prepare, 3PC can-commit) within the
 * transaction's timeout, all at once (the answers are taken on the asking thread as they arrive), or one after another in participant order under the {@code ordered} lock
 * policy. No answer in time counts as NO. Each participant is given a little less time than the coordinator
 * listens, so a participant that waits for a lock answers NO before the coordinator gives up on it. Each answer
 * goes on the timeline as it arrives; the votes themselves are logged with the decision made from them.
 */
@ApplicationScoped
public class Votes {

    /** Sends the vote request for one branch; {@code budgetMs} is how long the participant may take to vote. */
    @FunctionalInterface
    public interface Request {
        CompletionStage<BranchReply> send(BranchSpec branch, String gid, JsonNode operation, long budgetMs);
    }

    /**
     * What a participant leaves of the time the coordinator listens, to end its wait, record its NO and answer:
     * a fifth of that time, at least this much (and at most half of it).
     */
    static final long ANSWER_MARGIN_MS = 250;

    @Inject
    DecisionLog log;
    @Inject
    ObjectMapper json;
    @Inject
    CoordinatorMetrics metrics;
    @Inject
    CoordinatorConfig config;

    /** A vote request on its way: when it left and how long the participant was given. */
    private record Asked(BranchSpec branch, long sentAt, long budgetMs) {
    }

    /**
     * @param policy      under {@code ordered}, the branches are asked one at a time in participant order
     * @param firstAnswer run once the first answer is taken (the protocol's crash point after it)
     */
    public List<Vote> gather(UUID id, List<BranchSpec> branches, Duration timeout, String message, LockPolicy policy,
            Request request, Runnable firstAnswer) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (policy.sequential()) {
            return inOrder(id, branches, message, timeout, request, deadline, firstAnswer);
        }
        Arrivals<Asked> arrivals = new Arrivals<>();
        Map<BranchSpec, Vote> answered = new HashMap<>();
        Vote firstNo = null;
        try {
            for (BranchSpec b : branches) {
                ask(id, b, message, request, deadline, arrivals);
            }
            for (Arrival<Asked> a = arrivals.next(deadline); a != null; a = firstNo == null ? arrivals.next(deadline) : null) {
                Vote v = taken(id, message, a, answered.isEmpty() ? firstAnswer : null);
                answered.put(a.key().branch(), v);
                if (!v.yes()) {
                    firstNo = v; // the transaction aborts whatever the others say: a prepare waiting for a lock is not waited for
                }
            }
        } catch (RuntimeException | Error e) {
            stopped(id, message, arrivals, e);
            throw e;
        }
        for (Arrival<Asked> a : arrivals.stop(late -> received(id, message, late))) {
            answered.put(a.key().branch(), received(id, message, a));
        }
        List<Vote> votes = new ArrayList<>();
        for (BranchSpec b : branches) {
            Vote v = answered.get(b);
            votes.add(v != null ? v : firstNo == null ? noVoteInTime(id, b, message, timeout)
                    : Vote.notAwaited(b.participant(), "not awaited: " + firstNo.participant()
                            + " voted NO, so the transaction aborts (and its prepare here is cancelled)"));
        }
        votes.stream().filter(v -> !v.skipped()).forEach(v -> metrics.vote(v.participant(), v)); // not a late answer
        return votes;
    }

    /**
     * The ordered policy: one branch at a time, in participant order, so a transaction waiting at a participant
     * holds rows only at participants earlier in the order. After a NO the later branches are not asked: they
     * hold nothing, and their NO says so. The votes come back in the order asked.
     */
    private List<Vote> inOrder(UUID id, List<BranchSpec> branches, String message, Duration timeout, Request request,
            long deadline, Runnable firstAnswer) {
        List<Vote> votes = new ArrayList<>();
        Vote refused = null;
        for (BranchSpec b : branches.stream().sorted(Comparator.comparing(BranchSpec::participant)).toList()) {
            if (refused != null) {
                votes.add(Vote.notAsked(b.participant(), "not asked: " + refused.participant() + " voted NO first"
                        + " (ordered prepares)"));
                continue;
            }
            Arrivals<Asked> arrivals = new Arrivals<>();
            Vote v;
            try {
                ask(id, b, message, request, deadline, arrivals);
                Arrival<Asked> a = arrivals.next(deadline);
                if (a == null) {
                    arrivals.stop(late -> received(id, message, late));
                    v = noVoteInTime(id, b, message, timeout);
                } else {
                    v = taken(id, message, a, votes.isEmpty() ? firstAnswer : null);
                }
            } catch (RuntimeException | Error e) {
                stopped(id, message, arrivals, e);
            throw e;
            }
            metrics.vote(v.participant(), v);
            votes.add(v);
            if (!v.yes()) {
                refused = v;
            }
        }
        return votes;
    }

    /**
     * Gathering stopped on a failure, which the caller throws: the answers of the requests already sent still go on
     * the timeline, as they arrive.
     */
    private void stopped(UUID id, String message, Arrivals<Asked> arrivals, Throwable failure) {
        try {
            Consumer<Arrival<Asked>> late = a -> received(id, message, a);
            arrivals.stop(late).forEach(late);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** No answer before the transaction's time ran out: counted as no vote, and said on the timeline. */
    private Vote noVoteInTime(UUID id, BranchSpec b, String message, Duration timeout) {
        Vote none = Vote.none(b.participant(), "no vote on the " + message + " before the transaction's time of "
                + timeout.toMillis() + " ms ran out (the participant was asked to answer sooner, so it was slow or"
                + " unreachable)");
        log.event(id, TxEvent.Kind.ERROR, b.participant(), none.reason(), null);
        return none;
    }

    /** Sends one branch's vote request, its answer to come among the arrivals. */
    private void ask(UUID id, BranchSpec b, String message, Request request, long deadline, Arrivals<Asked> arrivals) {
        String gid = DecisionLog.gid(id, b.participant());
        log.event(id, TxEvent.Kind.SEND, b.participant(), message + " " + gid, null);
        long budgetMs = participantBudget(deadline);
        JsonNode operation;
        try {
            operation = json.readTree(b.operationJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("logged operation is not JSON", e);
        }
        Asked asked = new Asked(b, System.nanoTime(), budgetMs);
        arrivals.expect(asked, request.send(b, gid, operation, budgetMs));
    }

    /** An answer taken while votes are gathered; after the first one taken, {@code first} runs. */
    private Vote taken(UUID id, String message, Arrival<Asked> a, Runnable first) {
        Vote vote = received(id, message, a);
        if (first != null) {
            first.run();
        }
        return vote;
    }

    /** The vote an answer gives, put on the timeline (a late one too). */
    private Vote received(UUID id, String message, Arrival<Asked> a) {
        BranchSpec b = a.key().branch();
        long millis = TimeUnit.NANOSECONDS.toMillis(a.at() - a.key().sentAt());
        Vote vote;
        if (a.failure() == null) {
            BranchReply reply = a.reply();
            vote = "YES".equals(reply.vote()) ? Vote.yes(b.participant())
                    : reply.conflict() != null ? Vote.conflict(b.participant(), reply.reason())
                    : Vote.no(b.participant(), reply.reason());
        } else if (a.failure() instanceof WebApplicationException e) {
            String why = "refused the " + message + ": " + Calls.describe(e, message, b.url());
            vote = e.getResponse().getStatus() < 500 ? Vote.no(b.participant(), why) : Vote.none(b.participant(), why);
        } else if (a.failure() instanceof CallFailures.NoVoteInTime) {
            vote = Vote.none(b.participant(), "no vote on the " + message + " within " + millis
                    + " ms: the participant was reached and asked to answer within " + a.key().budgetMs() + " ms, but did not");
        } else if (a.failure() instanceof ProcessingException e) {
            vote = Vote.none(b.participant(), "unreachable: " + Calls.describe(e, message, b.url()));
        } else {
            log.event(id, TxEvent.Kind.ERROR, b.participant(), "no vote on the " + message + ": the call failed unexpectedly: "
                    + a.failure(), millis);
            throw new IllegalStateException("vote of " + b.participant() + " failed unexpectedly", a.failure());
        }
        log.event(id, vote.answered() ? TxEvent.Kind.RECEIVE : TxEvent.Kind.ERROR, b.participant(), onTimeline(vote), millis);
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
