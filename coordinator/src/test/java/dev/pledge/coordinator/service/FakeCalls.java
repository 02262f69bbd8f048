package dev.pledge.coordinator.service;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.coordinator.client.BranchApi;
import dev.pledge.coordinator.client.BranchApi.BranchReply;
import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.protocol.TxState;

/**
 * The network between the coordinator and its participants, in the simulation: each call is delivered,
 * lost on the way (no effect) or its reply lost (effect taken, the caller sees a failure), as the script
 * says. Every phase-2 message that reaches a participant is checked against the log at that moment; every
 * call carries the epoch it is made under, and passes the participant's fence.
 */
final class FakeCalls extends ParticipantCalls {
    private final SimWorld world;

    FakeCalls(SimWorld world) {
        super(null, null, null, null);
        this.world = world;
    }

    @Override
    public CompletionStage<BranchReply> prepare(String url, String gid, long epoch, JsonNode operation, long timeoutMs,
            BranchApi.Locking locking) {
        return answered("prepare", gid, epoch, () -> world.participants().vote(gid));
    }

    @Override
    public CompletionStage<BranchReply> canCommit(String url, String gid, long epoch, BranchApi.CanCommitBody body) {
        return answered("can-commit", gid, epoch, () -> world.participants().vote(gid));
    }

    @Override
    public CompletionStage<BranchReply> preCommit(String url, String gid, long epoch) {
        requireLogged("pre-commit", gid, epoch, Set.of(TxState.PRECOMMITTING, TxState.COMMITTING, TxState.COMMITTED));
        return answered("pre-commit", gid, epoch, () -> world.participants().preCommit(gid));
    }

    @Override
    public CompletionStage<BranchReply> doCommit(String url, String gid, long epoch) {
        return commit(url, gid, epoch);
    }

    @Override
    public CompletionStage<BranchReply> commit(String url, String gid, long epoch) {
        requireLogged("commit", gid, epoch, Set.of(TxState.COMMITTING, TxState.COMMITTED));
        return answered("commit", gid, epoch, () -> world.participants().commit(gid));
    }

    @Override
    public CompletionStage<BranchReply> abort(String url, String gid, long epoch) {
        requireLogged("abort", gid, epoch, Set.of(TxState.ABORTING, TxState.ABORTED));
        return answered("abort", gid, epoch, () -> world.participants().abort(gid));
    }

    @Override
    public BranchReply state(String url, String gid) {
        return call("state", gid, null, () -> world.participants().state(gid));
    }

    @Override
    public BranchReply state(String url, String gid, long epoch) {
        return call("state", gid, epoch, () -> world.participants().state(gid));
    }

    /**
     * The rule under test: a decision's message leaves only after the decision is in the log. A replica that
     * lost the transaction sends what it logged under its older epoch, perhaps changed since by the new owner
     * (3PC's pre-commit): the participants' fences and the outcome judge such a call, not the log as it is now.
     * An unforced record (3PC's COMMITTING, once every branch pre-committed) may be lost by a crash of the
     * database while the replica that wrote it runs on and sends its do-commits; the log then says
     * PRECOMMITTING, from which recovery finds the branches pre-committed or committed and commits too
     * (DecisionLog's class comment). Such a send came after its record was written, and is no violation as
     * long as the log has not moved on since under that epoch; a send whose record was never written still is.
     */
    private void requireLogged(String message, String gid, long epoch, Set<TxState> allowed) {
        world.alive("send " + message);
        FakeLog.Entry tx = world.log().entry(SimWorld.txOf(gid));
        TxState logged = tx.state;
        if (epoch == tx.epoch && !allowed.contains(logged) && !tx.lostUnder(epoch, allowed)) {
            world.violation(message + " sent to " + gid + " while the log says " + logged);
        }
    }

    /**
     * A call's answer as the real client gives it, a completed stage; a crash of the calling process (the
     * simulation's own exception) is thrown at once, as a halted process sends nothing more.
     */
    private CompletionStage<BranchReply> answered(String message, String gid, Long epoch,
            java.util.function.Supplier<BranchReply> effect) {
        try {
            return CompletableFuture.completedFuture(call(message, gid, epoch, effect));
        } catch (ProcessingException | WebApplicationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @param epoch the call's {@code Pledge-Epoch}, or null for a call that carries none */
    private BranchReply call(String message, String gid, Long epoch, java.util.function.Supplier<BranchReply> effect) {
        world.alive("send " + message);
        if (world.participants().isDown(gid.substring(gid.indexOf('.') + 1))) {
            throw new ProcessingException(message + " to " + gid + ": connection refused (the participant is down)");
        }
        SimWorld.Fault fault = world.nextFault();
        if (fault == SimWorld.Fault.LOSE_REQUEST) {
            throw new ProcessingException(message + " to " + gid + " lost on the way");
        }
        BranchReply reply = world.participants().fenced(gid, epoch, effect); // may throw the participant's 4xx
        if (fault == SimWorld.Fault.LOSE_REPLY) {
            throw new ProcessingException("reply to " + message + " for " + gid + " lost");
        }
        return reply;
    }

    static WebApplicationException status(int code) {
        return new WebApplicationException(code);
    }
}
