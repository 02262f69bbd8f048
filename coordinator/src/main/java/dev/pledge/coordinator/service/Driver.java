package dev.pledge.coordinator.service;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.jboss.logging.Logger;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.fencing.Epochs;
import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.client.BranchApi;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.CallFailures;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.DecisionLog.Snapshot;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Action;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.Transition;
import dev.pledge.coordinator.protocol.TxView;
import dev.pledge.coordinator.service.Arrivals.Arrival;

/**
 * Runs 2PC and 3PC: feeds a transaction's events into its protocol's function ({@code TwoPhase.next},
 * {@code ThreePhase.next}) and does what each transition asks, in order: log writes, messages, crash points.
 * The first run and recovery go through the same function; only their first event differs. The messages of
 * one round are sent at once, and their answers are fed in the order they arrive, on the thread that drives
 * the transaction (see {@link Arrivals}).
 */
@ApplicationScoped
public class Driver {
    private static final Logger LOG = Logger.getLogger(Driver.class);

    @Inject
    DecisionLog log;
    @Inject
    ParticipantCalls calls;
    @Inject
    Votes votes;
    @Inject
    InFlight inFlight;
    @Inject
    CrashPoints crashPoints;
    @Inject
    CoordinatorMetrics metrics;
    @Inject
    CoordinatorConfig config;

    /** One transaction being driven, under one epoch; {@code attempt} is null when recovery drives it. */
    private static final class Run {
        final UUID id;
        final Protocol protocol;
        final long epoch;
        final List<BranchSpec> branches;
        final Attempt attempt;
        final Arrivals<Sent> arrivals = new Arrivals<>();
        TxView view;
        List<Vote> votes = List.of();
        boolean stopped;
        boolean finished;

        Run(UUID id, Protocol protocol, long epoch, List<BranchSpec> branches, Attempt attempt, TxView view) {
            this.id = id;
            this.protocol = protocol;
            this.epoch = epoch;
            this.branches = branches;
            this.attempt = attempt;
            this.view = view;
        }

        BranchSpec branch(String participant) {
            return branches.stream().filter(b -> b.participant().equals(participant)).findFirst().orElseThrow();
        }
    }

    /** A message on its way to a branch. */
    private record Sent(BranchSpec branch, String gid, Message message, long sentAt) {
    }

    /**
     * Runs one attempt at an order, a global transaction, to its end (or to IN_DOUBT when its last phase cannot
     * finish now: recovery goes on with it).
     *
     * @param key the client's idempotency key, or null
     * @return the votes the decision was made from
     */
    public List<Vote> run(Attempt attempt, Protocol protocol, List<BranchSpec> branches, IdempotencyKey key) {
        boolean claimed = inFlight.claim(attempt.id());
        try {
            log.begin(attempt, protocol, branches, key);
            Run run = new Run(attempt.id(), protocol, Epochs.FIRST, branches, attempt,
                    TxView.begun(branches.stream().map(BranchSpec::participant).toList()));
            drive(run, new Event.Begun());
            return run.votes;
        } finally {
            if (claimed) {
                inFlight.release(attempt.id());
            }
        }
    }

    /**
     * Goes on with a transaction as read from the log, under the epoch it was read with: recovery, and an
     * operator's forced outcome.
     *
     * @return true when it is final now
     */
    public boolean resume(Snapshot tx) {
        if (tx.state().isFinal()) {
            return true;
        }
        Run run = new Run(tx.id(), tx.protocol(), tx.epoch(), tx.branches(), null, TxView.of(tx.state(),
                tx.branches().stream().map(BranchSpec::participant).toList(), tx.branchStates()));
        drive(run, new Event.Found());
        return run.finished;
    }

    private void drive(Run run, Event first) {
        feed(run, first);
        while (!run.stopped && !run.finished && run.arrivals.pending()) {
            feed(run, answer(run, run.arrivals.next()));
        }
    }

    private void feed(Run run, Event event) {
        Transition t = run.protocol.next(run.view, event);
        run.view = t.view();
        for (Action a : t.actions()) {
            if (run.stopped || run.finished) {
                return;
            }
            execute(run, a);
        }
    }

    private void execute(Run run, Action action) {
        if (action instanceof Action.Hit h) {
            crashPoints.hit(h.point().label());
        } else if (action instanceof Action.AskVotes v) {
            run.votes = votes.gather(run.id, run.branches, run.attempt.timeout(), v.message().label(), run.attempt.policy(),
                    request(run, v.message()), () -> crashPoints.hit(v.afterFirst().label()));
            feed(run, new Event.Voted(run.votes));
        } else if (action instanceof Action.LogDecision d) {
            log.decide(run.id, run.epoch, d.next(), d.decision(), d.votes());
        } else if (action instanceof Action.Send s) {
            BranchSpec b = run.branch(s.participant());
            String gid = DecisionLog.gid(run.id, b.participant());
            log.event(run.id, TxEvent.Kind.SEND, b.participant(), s.message().label() + " " + gid, null);
            run.arrivals.expect(new Sent(b, gid, s.message(), System.nanoTime()), send(s.message(), b.url(), gid, run.epoch));
        } else if (action instanceof Action.Inquire i) {
            feed(run, inquire(run, run.branch(i.participant())));
        } else if (action instanceof Action.RecordAcks r) {
            log.recordAcks(run.id, run.epoch, r.acks());
        } else if (action instanceof Action.LogPrecommitted p) {
            log.precommitted(run.id, run.epoch, p.acks());
        } else if (action instanceof Action.Finish f) {
            DecisionLog.Ended ended = log.finish(run.id, run.epoch, f.end(), f.acks());
            metrics.ended(ended.protocol(), ended.state(), ended.took());
            run.finished = true;
        } else if (action instanceof Action.Stop) {
            run.stopped = true;
        }
    }

    /** How a vote request goes out: 2PC's prepare, or 3PC's can-commit with the peers and this coordinator. */
    private Votes.Request request(Run run, Message message) {
        BranchApi.Locking locking = Votes.locking(run.attempt);
        if (message == Message.PREPARE) {
            return (b, gid, op, budgetMs) -> calls.prepare(b.url(), gid, run.epoch, op, budgetMs, locking);
        }
        List<BranchApi.Peer> peers = run.branches.stream()
                .map(b -> new BranchApi.Peer(b.participant(), b.url(), DecisionLog.gid(run.id, b.participant()))).toList();
        return (b, gid, op, budgetMs) -> calls.canCommit(b.url(), gid, run.epoch,
                new BranchApi.CanCommitBody(op, budgetMs, config.url(), peers, locking));
    }

    private CompletionStage<BranchReply> send(Message message, String url, String gid, long epoch) {
        return switch (message) {
            case PRE_COMMIT -> calls.preCommit(url, gid, epoch);
            case DO_COMMIT -> calls.doCommit(url, gid, epoch);
            case COMMIT -> calls.commit(url, gid, epoch);
            case ABORT -> calls.abort(url, gid, epoch);
            default -> throw new IllegalArgumentException(message + " is not sent to one branch");
        };
    }

    /** An answer as the event it is, on the timeline. */
    private Event answer(Run run, Arrival<Sent> a) {
        Sent sent = a.key();
        String participant = sent.branch().participant();
        long millis = TimeUnit.NANOSECONDS.toMillis(a.at() - sent.sentAt());
        if (a.failure() == null) {
            log.event(run.id, TxEvent.Kind.RECEIVE, participant, "ack: branch " + a.reply().state(), millis);
            return new Event.Acked(participant, BranchState.valueOf(a.reply().state()));
        }
        RuntimeException e = a.failure();
        if (!(e instanceof WebApplicationException) && !(e instanceof ProcessingException)) {
            throw e;
        }
        String label = sent.message().label();
        if (CallFailures.isStaleEpoch(e)) {
            log.event(run.id, TxEvent.Kind.ERROR, participant, Calls.fenced(run.epoch), millis); // the new owner finishes it
        } else if (sent.message() == Message.PRE_COMMIT) {
            log.event(run.id, TxEvent.Kind.ERROR, participant, "no ack for pre-commit after retries: "
                    + Calls.describe(e, label, sent.branch().url()), millis);
        } else {
            boolean commit = sent.message() != Message.ABORT;
            BranchState otherwise = e instanceof WebApplicationException w && w.getResponse().getStatus() == 409
                    ? endedOtherwise(sent, commit) : null;
            if (otherwise != null) {
                log.event(run.id, TxEvent.Kind.ERROR, participant, "branch already " + otherwise + " on its own, against the"
                        + " logged " + (commit ? "COMMIT" : "ABORT") + ": atomicity is broken and needs an operator", millis);
                return new Event.Reported(participant, otherwise); // final, though not as decided: re-sending cannot change it
            }
            log.event(run.id, TxEvent.Kind.ERROR, participant, "no ack for " + (commit ? "commit" : "abort")
                    + " after retries: " + Calls.describe(e, label, sent.branch().url()), millis);
        }
        return new Event.NoAnswer(participant);
    }

    /**
     * A participant refuses a decision (409) when its branch has already ended the other way: under 3PC's
     * termination protocol across a partition. Returns that opposite final state, or null for any other refusal.
     */
    private BranchState endedOtherwise(Sent sent, boolean commit) {
        BranchState opposite = commit ? BranchState.ABORTED : BranchState.COMMITTED;
        try {
            return opposite.name().equals(calls.state(sent.branch().url(), sent.gid()).state()) ? opposite : null;
        } catch (WebApplicationException | ProcessingException e) {
            return null; // not known now: the next pass asks again
        }
    }

    /**
     * A branch's state, read under the epoch: from then on the branch refuses calls of older epochs (a frozen
     * replica's). A branch its participant does not know (404) never prepared.
     */
    private Event inquire(Run run, BranchSpec b) {
        String gid = DecisionLog.gid(run.id, b.participant());
        try {
            return new Event.Reported(b.participant(), BranchState.valueOf(calls.state(b.url(), gid, run.epoch).state()));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return new Event.Reported(b.participant(), BranchState.WORKING);
            }
            LOG.infof("could not read the state of %s (HTTP %d): the next pass asks again", gid, e.getResponse().getStatus());
        } catch (ProcessingException e) {
            LOG.infof("could not read the state of %s (%s): the next pass asks again", gid, e.getMessage());
        }
        return new Event.NoAnswer(b.participant());
    }
}
