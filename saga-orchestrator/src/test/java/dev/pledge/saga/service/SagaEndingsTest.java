package dev.pledge.saga.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a saga's end: woken by an announced end (from any instance), reading the database again at
 * the recheck interval when nothing is heard, and giving up at the deadline. No database here: whether the
 * saga has ended is a flag.
 */
class SagaEndingsTest {
    private static final Duration NEVER = Duration.ofMinutes(5);

    private final ExecutorService requests = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        requests.shutdownNow();
    }

    @Test
    void answersAtOnceWhenTheSagaHasEndedAlready() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        boolean ended = new SagaEndings(null, NEVER).await(UUID.randomUUID(), NEVER, () -> reads.incrementAndGet() > 0);
        assertThat(ended).isTrue();
        assertThat(reads).hasValue(1);
    }

    @Test
    void wakesAsSoonAsTheEndIsAnnounced() throws Exception {
        SagaEndings endings = new SagaEndings(null, NEVER);
        UUID saga = UUID.randomUUID();
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<Boolean> answer = waitFor(endings, saga, NEVER, ended::get);
        await().atMost(Duration.ofSeconds(10)).until(() -> endings.waiters(saga) == 1);

        ended.set(true);
        endings.wake(saga);

        assertThat(answer.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(endings.waiters(saga)).isZero();
    }

    @Test
    void readsTheDatabaseAgainAtTheRecheckIntervalWhenNoEndIsHeard() throws Exception {
        SagaEndings endings = new SagaEndings(null, Duration.ofMillis(20));
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Boolean> answer = waitFor(endings, UUID.randomUUID(), NEVER, () -> reads.incrementAndGet() >= 3);
        assertThat(answer.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(reads).hasValue(3);
    }

    @Test
    void givesUpAtTheDeadlineAndLeavesNoWaiterBehind() throws Exception {
        SagaEndings endings = new SagaEndings(null, NEVER);
        UUID saga = UUID.randomUUID();
        long start = System.nanoTime();
        boolean ended = endings.await(saga, Duration.ofMillis(150), () -> false);
        assertThat(ended).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(endings.waiters(saga)).isZero();
    }

    @Test
    void oneWaiterGivingUpDoesNotUnhookAnotherWaitingForTheSameSaga() throws Exception {
        SagaEndings endings = new SagaEndings(null, NEVER);
        UUID saga = UUID.randomUUID();
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<Boolean> patient = waitFor(endings, saga, NEVER, ended::get);
        await().atMost(Duration.ofSeconds(10)).until(() -> endings.waiters(saga) == 1);
        assertThat(endings.await(saga, Duration.ofMillis(50), ended::get)).isFalse();

        ended.set(true);
        endings.wake(saga);

        assertThat(patient.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWakeForEveryoneMakesEachWaiterReadAgain() throws Exception {
        SagaEndings endings = new SagaEndings(null, NEVER);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<Boolean> one = waitFor(endings, first, NEVER, ended::get);
        CompletableFuture<Boolean> other = waitFor(endings, second, NEVER, ended::get);
        await().atMost(Duration.ofSeconds(10)).until(() -> endings.waiters(first) == 1 && endings.waiters(second) == 1);

        ended.set(true);
        endings.wakeAll();

        assertThat(one.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWakeBeforeTheEndIsVisibleIsFollowedByListeningAgain() throws Exception {
        SagaEndings endings = new SagaEndings(null, NEVER);
        UUID saga = UUID.randomUUID();
        AtomicBoolean ended = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Boolean> answer = waitFor(endings, saga, NEVER, () -> {
            reads.incrementAndGet();
            return ended.get();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> endings.waiters(saga) == 1);

        endings.wake(saga); // heard, but the database does not show the end yet
        await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() == 2 && endings.waiters(saga) == 1);
        assertThat(answer).isNotDone();

        ended.set(true);
        endings.wake(saga);
        assertThat(answer.get(10, TimeUnit.SECONDS)).isTrue();
    }

    private CompletableFuture<Boolean> waitFor(SagaEndings endings, UUID saga, Duration max, BooleanSupplier ended) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return endings.await(saga, max, ended);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, requests);
    }
}
