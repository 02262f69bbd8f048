package dev.pledge.common.metrics;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * A value a gauge reads from a database, read again only once it is older than {@code maxAge}: however often
 * Prometheus (or several) scrape, the database gets at most one query per interval, and a database that is
 * down costs one failed attempt per interval, not one per scrape. A failed read gives nothing, so the gauge
 * shows NaN, not a stale or made-up number.
 */
public final class CachedReading<T> {
    private static final Logger LOG = Logger.getLogger(CachedReading.class);

    /** Reads the value; any exception means it cannot be had now. */
    @FunctionalInterface
    public interface Reader<T> {
        T read() throws Exception;
    }

    /** The last attempt: when, and its value, or null when it failed. */
    private record Reading<T>(long atNanos, T value) {
    }

    private final AtomicReference<Reading<T>> last = new AtomicReference<>();
    private final long maxAgeNanos;
    private final Reader<T> reader;
    private final LongSupplier clock;

    public CachedReading(Duration maxAge, Reader<T> reader) {
        this(maxAge, reader, System::nanoTime);
    }

    CachedReading(Duration maxAge, Reader<T> reader, LongSupplier clock) {
        this.maxAgeNanos = maxAge.toNanos();
        this.reader = reader;
        this.clock = clock;
    }

    public Optional<T> get() {
        Reading<T> reading = last.get();
        long now = clock.getAsLong();
        if (reading == null || now - reading.atNanos() > maxAgeNanos) {
            T value = null;
            try {
                value = reader.read();
            } catch (Exception e) {
                LOG.debugf("gauge not read: %s", e.getMessage());
            }
            reading = new Reading<>(now, value);
            last.set(reading);
        }
        return Optional.ofNullable(reading.value());
    }
}
