package dev.pledge.bench;

import org.HdrHistogram.Histogram;

/**
 * What one target did at one number of clients: orders begun after the warm-up by outcome, orders that failed
 * whenever they began ({@code errors}), throughput, and the latency of every measured order (HdrHistogram,
 * microseconds), with the costs counted while it ran.
 */
public record Measurement(String target, Target.Kind kind, int clients, double seconds, long committed, long aborted,
                          long errors, Histogram latency, Costs.PerOrder costs) {

    public long orders() {
        return committed + aborted + errors;
    }

    /** Orders ended per second, committed or aborted. */
    public double throughput() {
        return seconds <= 0 ? 0 : (committed + aborted) / seconds;
    }

    public double abortRate() {
        long ended = committed + aborted;
        return ended == 0 ? 0 : (double) aborted / ended;
    }

    public double percentileMs(double p) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p) / 1000.0;
    }

    public double maxMs() {
        return latency.getMaxValue() / 1000.0;
    }
}
