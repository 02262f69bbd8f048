package dev.pledge.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CachedReadingTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void readsAgainOnlyOnceTheLastReadingIsTooOld() {
        CachedReading<Integer> gauge = new CachedReading<>(Duration.ofSeconds(1), reads::incrementAndGet, now::get);
        assertThat(gauge.get()).contains(1);
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(gauge.get()).contains(1);
        now.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(gauge.get()).contains(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aFailedReadGivesNothingUntilTheNextIntervalTriesAgain() {
        CachedReading<Integer> gauge = new CachedReading<>(Duration.ofSeconds(1), () -> {
            if (reads.incrementAndGet() == 1) {
                throw new SQLException("Connection refused");
            }
            return 42;
        }, now::get);
        assertThat(gauge.get()).isEmpty();
        assertThat(gauge.get()).as("a database that is down is not asked again within the interval").isEmpty();
        assertThat(reads).hasValue(1);
        now.addAndGet(Duration.ofMillis(1001).toNanos());
        assertThat(gauge.get()).contains(42);
    }
}
