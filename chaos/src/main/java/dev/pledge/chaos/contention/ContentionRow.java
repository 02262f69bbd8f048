package dev.pledge.chaos.contention;

import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

import dev.pledge.chaos.check.CheckResult;
import dev.pledge.chaos.history.Op;

/**
 * One protocol under one lock policy in the contention experiment: how the orders ended, what the conflicts cost,
 * and whether the databases' invariants hold. Also what {@code --json} prints per row.
 *
 * @param abortedForStockOrFunds orders refused by the business rules (no stock, no funds); for sagas, compensated
 * @param abortedForConflict     orders whose last attempt aborted over a lock conflict, the retries' bound or time
 *                               reached ({@code gaveUp} of them said so)
 * @param abortedOtherwise       any other abort or refusal (a participant unreachable, a vote not in time)
 * @param unknown                orders whose client got no outcome (in doubt, or no answer in time)
 * @param retries                attempts after the first, each after one aborted over lock conflicts
 * @param lockTimeouts           prepares that waited for a lock until their time ran out: how each cycle of waits
 *                               ends under the wait policy; the other policies end a wait before it can close one
 * @param cyclesSeen             distinct cycles of waits seen in the wait-for graph while the orders ran (under
 *                               wait-die one can last until the younger prepare's next lock-watch scan, 10 ms)
 * @param longestWaitMs          the longest lock wait seen in the wait-for graph (sampled every 100 ms)
 */
public record ContentionRow(String protocol, String policy, int orders, int clients, int skus, int accounts, int stock,
                            long committed, long abortedForStockOrFunds, long abortedForConflict, long gaveUp,
                            long abortedOtherwise, long unknown, long retries, long lockTimeouts, int cyclesSeen, long longestWaitMs,
                            long p50Ms, long p99Ms, long maxMs, long wallMs, boolean invariantsHold, List<String> problems) {

    static ContentionRow of(String protocol, String policy, ContentionExperiment.Settings s, List<Op> ops, long retries,
            long lockTimeouts, int cycles, long longestWaitMs, Histogram latency, long wallMs, CheckResult check) {
        long committed = 0;
        long business = 0;
        long conflict = 0;
        long gaveUp = 0;
        long other = 0;
        long unknown = 0;
        for (Op op : ops) {
            switch (op.type()) {
                case OK -> committed++;
                case UNKNOWN -> unknown++;
                case FAIL -> {
                    Kind k = kind(op.detail());
                    if (k == Kind.BUSINESS) {
                        business++;
                    } else if (k == Kind.CONFLICT) {
                        conflict++;
                        gaveUp += op.detail() != null && op.detail().contains("not tried again") ? 1 : 0;
                    } else {
                        other++;
                    }
                }
                default -> { }
            }
        }
        return new ContentionRow(protocol, policy, s.orders(), s.clients(), s.skus(), s.accounts(), s.stock(), committed,
                business, conflict, gaveUp, other, unknown, retries, lockTimeouts, cycles, longestWaitMs, ms(latency, 50), ms(latency, 99),
                latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000, wallMs, check.ok(), check.problems());
    }

    enum Kind {
        BUSINESS, CONFLICT, OTHER
    }

    /** Why an order aborted, read from the reason its client got. */
    static Kind kind(String detail) {
        String d = detail == null ? "" : detail.toLowerCase(Locale.ROOT);
        if (d.contains("insufficient stock") || d.contains("insufficient funds") || d.equals("compensated")) {
            return Kind.BUSINESS;
        }
        if (d.contains("lock conflict") || d.contains("lock wait timed out")) {
            return Kind.CONFLICT;
        }
        return Kind.OTHER;
    }

    private static long ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000;
    }

    /** One line for the progress output. */
    public String summary() {
        return String.format(Locale.ROOT, "%d committed, %d aborted for stock or funds, %d for a lock conflict (%d gave up),"
                        + " %d otherwise, %d unknown; %d retries, %d lock timeouts, %d cycles seen; p50 %d ms, p99 %d ms,"
                        + " max %d ms; invariants %s", committed, abortedForStockOrFunds, abortedForConflict, gaveUp,
                abortedOtherwise, unknown, retries, lockTimeouts, cyclesSeen, p50Ms, p99Ms, maxMs, invariantsHold ? "hold" : "VIOLATED");
    }
}
