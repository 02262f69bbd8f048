package dev.pledge.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RelayThreadTest {

    @Test
    void kicksThatArriveWhileAPassIsQueuedJoinIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger passes = new AtomicInteger();
        try (RelayThread thread = new RelayThread("test-relay", () -> {
            passes.incrementAndGet();
            running.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            thread.kick();
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 50; i++) {
                thread.kick(); // during the first pass: one more pass is queued, the rest join it
            }
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (passes.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertThat(passes).as("the first pass, and one for all the kicks made during it").hasValue(2);
        }
    }
}
