package dev.pledge.saga.service;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lets a request wait for a saga's end instead of polling for it ({@code GET /sagas/{id}?waitMs=N}): the
 * engine signals each end once it has committed, and a waiter wakes at once.
 */
@ApplicationScoped
public class SagaEndings {
    private final ConcurrentHashMap<UUID, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    /** The saga has ended, in the transaction this thread is in: waiters wake once it commits. */
    void ended(UUID saga) {
        Tx.afterCommit(() -> {
            CompletableFuture<Void> end = waiting.remove(saga);
            if (end != null) {
                end.complete(null);
            }
        });
    }

    /**
     * Waits until the saga ends or {@code max} passes, whichever is first.
     *
     * @param endedAlready reads whether it has ended; asked after the waiter is registered, so an end that
     *                     commits in between is not missed
     */
    public void await(UUID saga, Duration max, BooleanSupplier endedAlready) throws InterruptedException {
        CompletableFuture<Void> end = waiting.computeIfAbsent(saga, s -> new CompletableFuture<>());
        if (endedAlready.getAsBoolean()) {
            return;
        }
        try {
            end.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            waiting.remove(saga, end); // a later waiter registers again
        } catch (ExecutionException e) {
            throw new IllegalStateException("a saga's end is never signalled with a failure", e);
        }
    }
}
