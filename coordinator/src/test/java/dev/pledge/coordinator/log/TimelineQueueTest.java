package dev.pledge.coordinator.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The timeline's batching: entries linger for company, a full batch or a waiting reader ends the wait. */
class TimelineQueueTest {
    private static final Duration LONG = Duration.ofMinutes(10);

    @Test
    void entriesLingerUntilAReaderWaitsThenGoInOneBatch() throws Exception {
        TimelineQueue<Integer> queue = new TimelineQueue<>(500, 1000, LONG);
        CompletableFuture<List<Integer>> batch = CompletableFuture.supplyAsync(queue::take);
        queue.add(1);
        queue.add(2);
        queue.add(3);
        Thread.sleep(300);
        assertFalse(batch.isDone(), "the writer took a batch before the linger was up and before anyone waited");

        CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(() -> queue.awaitWritten(LONG));
        assertEquals(List.of(1, 2, 3), batch.get(30, TimeUnit.SECONDS), "a waiting reader hurries the writer");
        assertFalse(reader.isDone(), "the reader returned before the batch was written");
        queue.written();
        assertTrue(reader.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aReaderHurriesOnlyWhatWasQueuedBeforeItAsked() throws Exception {
        TimelineQueue<Integer> queue = new TimelineQueue<>(500, 1000, LONG);
        queue.add(1);
        CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(() -> queue.awaitWritten(LONG));
        assertEquals(List.of(1), CompletableFuture.supplyAsync(queue::take).get(30, TimeUnit.SECONDS));
        queue.written();
        assertTrue(reader.get(30, TimeUnit.SECONDS));

        queue.add(2); // nobody waits for this one: it lingers
        CompletableFuture<List<Integer>> next = CompletableFuture.supplyAsync(queue::take);
        Thread.sleep(300);
        assertFalse(next.isDone(), "an entry went without lingering after its reader was served");
        queue.close();
        assertEquals(List.of(), next.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aReaderGivesUpOnceTheQueueIsClosed() throws Exception {
        TimelineQueue<Integer> queue = new TimelineQueue<>(500, 1000, LONG);
        queue.add(1);
        CompletableFuture<Boolean> reader = CompletableFuture.supplyAsync(() -> queue.awaitWritten(LONG));
        Thread.sleep(100);
        queue.close();
        assertFalse(reader.get(30, TimeUnit.SECONDS), "an entry never written was reported written");
    }

    @Test
    void aFullBatchGoesAtOnceAndTheRestWaits() throws Exception {
        TimelineQueue<Integer> queue = new TimelineQueue<>(4, 100, LONG);
        IntStream.rangeClosed(1, 6).forEach(queue::add);
        assertEquals(List.of(1, 2, 3, 4), CompletableFuture.supplyAsync(queue::take).get(30, TimeUnit.SECONDS));
        CompletableFuture<List<Integer>> rest = CompletableFuture.supplyAsync(queue::take);
        Thread.sleep(300);
        assertFalse(rest.isDone(), "two entries went without lingering");
        queue.close();
        assertEquals(List.of(), rest.get(30, TimeUnit.SECONDS), "a closed queue hands out nothing");
    }

    @Test
    void withoutLingerTheWriterTakesWhatIsThere() throws Exception {
        TimelineQueue<Integer> queue = new TimelineQueue<>(500, 1000, Duration.ZERO);
        queue.add(7);
        assertEquals(List.of(7), CompletableFuture.supplyAsync(queue::take).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aReaderWaitsOnlyForWhatWasQueuedBeforeIt() throws Exception {
        TimelineQueue<Integer> queue = new TimelineQueue<>(500, 1000, Duration.ZERO);
        queue.add(1);
        assertEquals(List.of(1), queue.take());
        queue.written();
        queue.add(2); // queued after the reader below asked: not waited for
        assertFalse(queue.awaitWritten(Duration.ofMillis(50)), "entry 2 is not written yet");
        assertEquals(List.of(2), queue.take());
        queue.written();
        assertTrue(queue.awaitWritten(Duration.ZERO));
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsThem() {
        TimelineQueue<Integer> queue = new TimelineQueue<>(2, 3, LONG);
        assertEquals(0, queue.add(1));
        queue.add(2);
        queue.add(3);
        assertEquals(1, queue.add(4));
        assertEquals(2, queue.add(5));
        assertEquals(List.of(3, 4), queue.take());
        assertEquals(2, queue.dropped());
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new TimelineQueue<>(0, 10, LONG));
        assertThrows(IllegalArgumentException.class, () -> new TimelineQueue<>(10, 5, LONG));
        assertThrows(IllegalArgumentException.class, () -> new TimelineQueue<>(10, 10, Duration.ofMillis(-1)));
    }
}
