package dev.pledge.common.liveness;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The phi-accrual failure detector (Hayashibara et al.): instead of a yes/no timeout it gives a suspicion
 * level, phi = -log10(probability that a heartbeat arrives this late), from the observed distribution of
 * heartbeat intervals. phi 1 means a 10% chance the peer is still fine, phi 8 one in 10^8.
 * Thread-safe; time is passed in so the logic is testable.
 */
public final class PhiAccrualDetector {
    private static final int WINDOW = 100;
    /** Loopback heartbeats are very regular; a floor on the deviation keeps phi from exploding on jitter. */
    private static final double MIN_STD_DEV_MS = 100;

    private final Deque<Long> intervals = new ArrayDeque<>();
    private final long expectedIntervalMs;
    private final long acceptablePauseMs;
    private long last = -1;

    /**
     * @param expectedIntervalMs the heartbeat interval assumed until two heartbeats have been seen
     * @param acceptablePauseMs  a silence this long on top of the usual interval is not yet suspicious
     *                           (garbage collection, a busy machine): it is added to the mean interval
     */
    public PhiAccrualDetector(long expectedIntervalMs, long acceptablePauseMs) {
        this.expectedIntervalMs = expectedIntervalMs;
        this.acceptablePauseMs = acceptablePauseMs;
    }

    public synchronized void heartbeat(long nowMillis) {
        if (last >= 0) {
            intervals.addLast(nowMillis - last);
            if (intervals.size() > WINDOW) {
                intervals.removeFirst();
            }
        }
        last = nowMillis;
    }

    /** True once a heartbeat has been seen. */
    public synchronized boolean hasHeartbeat() {
        return last >= 0;
    }

    public synchronized long lastHeartbeat() {
        return last;
    }

    /** The suspicion level now; 0 before the first heartbeat. */
    public synchronized double phi(long nowMillis) {
        if (last < 0) {
            return 0;
        }
        double observed = intervals.stream().mapToLong(Long::longValue).average().orElse(expectedIntervalMs);
        double mean = observed + acceptablePauseMs;
        double variance = intervals.stream().mapToDouble(i -> (i - observed) * (i - observed)).average().orElse(0);
        double std = Math.max(Math.sqrt(variance), MIN_STD_DEV_MS);
        double elapsed = nowMillis - last;
        // logistic approximation of the normal distribution's tail
        double y = (elapsed - mean) / std;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        double p = elapsed > mean ? e / (1.0 + e) : 1.0 - 1.0 / (1.0 + e);
        return p <= 0 ? Double.MAX_VALUE : -Math.log10(p);
    }
}
