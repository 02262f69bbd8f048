package dev.pledge.coordinator.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import dev.pledge.coordinator.client.BranchApi.BranchReply;

/** What a participant call failed with, in the words the protocol acts on: no answer, a refusal, a stale epoch. */
public final class CallFailures {
    private CallFailures() {
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

    /**
     * The call's stage, its failure replaced as given and unwrapped, so that whoever looks at the stage (a guard
     * deciding whether to retry, a caller) sees the exception itself. A call that throws fails its stage.
     */
    static CompletionStage<BranchReply> failingWith(Supplier<CompletionStage<BranchReply>> call,
            UnaryOperator<Throwable> replace) {
        CompletableFuture<BranchReply> out = new CompletableFuture<>();
        CompletionStage<BranchReply> sent;
        try {
            sent = call.get();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, e) -> {
            if (e == null) {
                out.complete(reply);
            } else {
                out.completeExceptionally(replace.apply(asCallFailure(unwrapped(e))));
            }
        });
        return out;
    }

    /**
     * What a call failed with, as the blocking client would throw it: an answer's {@link WebApplicationException}
     * or a {@link ProcessingException}, which the asynchronous client leaves out around a transport's own failure
     * (Vert.x's time-out, a refused connection).
     */
    private static Throwable asCallFailure(Throwable e) {
        return e instanceof WebApplicationException || e instanceof ProcessingException || e instanceof NoVoteInTime
                || e instanceof CircuitBreakerOpenException || e instanceof TimeoutException
                ? e : new ProcessingException(e.getMessage(), e);
    }

    /** The failure inside a {@link CompletionException} or {@link ExecutionException}. */
    public static Throwable unwrapped(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Whether a phase-2 message that failed so is sent again: not after a 4xx answer (the REST client reports every
     * error answer as a {@link WebApplicationException}), which is final: a stale epoch (412), a branch that ended
     * the other way (409).
     */
    static boolean worthRetrying(Throwable e) {
        return !(e instanceof WebApplicationException w && w.getResponse().getStatus() / 100 == 4);
    }

    /**
     * Waits for a call's answer, on a thread that may block (never the event loop), and throws what it failed
     * with.
     */
    public static BranchReply awaited(CompletionStage<BranchReply> call) {
        try {
            return call.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (unwrapped(e) instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** A participant refused the call because a newer epoch of the transaction has reached it: another replica drives it. */
    public static boolean isStaleEpoch(RuntimeException e) {
        return e instanceof jakarta.ws.rs.WebApplicationException w && w.getResponse().getStatus() == 412;
    }
}
