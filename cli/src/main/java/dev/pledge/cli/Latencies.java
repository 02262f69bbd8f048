package dev.pledge.cli;

import org.HdrHistogram.Histogram;

/** Millisecond figures recorded in an HdrHistogram (1 ms to 1 h, 3 significant digits). */
final class Latencies {
    private final Histogram histogram = new Histogram(3_600_000L, 3);

    void record(long millis) {
        histogram.recordValue(Math.max(0, Math.min(millis, histogram.getHighestTrackableValue())));
    }

    long p50() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(50);
    }

    long p99() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(99);
    }

    long max() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue();
    }
}
