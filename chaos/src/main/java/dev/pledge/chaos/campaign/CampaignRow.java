package dev.pledge.chaos.campaign;

import java.util.List;
import java.util.Locale;

/**
 * One line of docs/reliability.md: what a campaign did and what the checker found.
 *
 * @param runs              check rounds (each: load with faults, quiet, check)
 * @param transactions      orders the clients placed
 * @param faults            faults injected
 * @param inDoubt           prepared transactions and unfinished transactions or sagas left after the deadline
 * @param resolveP50Ms      time from a crashed process's restart until everything in doubt at that moment
 *                          had ended; -1 when nothing was measured
 * @param problems          every broken invariant the checker reported, and anything else that must not happen
 * @param findings          what the campaign measured beyond the row (e.g. a split rate), one line each
 */
public record CampaignRow(String campaign, long seed, int runs, long transactions, int faults, long committed,
        long aborted, int atomicityViolations, int conservationViolations, int inDoubt, long resolveP50Ms,
        long resolveP99Ms, long resolveMaxMs, List<String> problems, List<String> findings) {

    public static final String HEADER = "| campaign | seed | runs | transactions | faults | committed | aborted "
            + "| atomicity violations | conservation violations | in doubt after deadline | time to resolve p50 / p99 / max |";
    public static final String RULE = "|---|---|---|---|---|---|---|---|---|---|---|";

    public boolean clean() {
        return problems.isEmpty();
    }

    /** The row as a Markdown table line, as docs/reliability.md shows it. */
    public String markdown() {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |", campaign, seed, runs,
                transactions, faults, committed, aborted, atomicityViolations, conservationViolations, inDoubt,
                resolveP50Ms < 0 ? "-" : resolveP50Ms + " / " + resolveP99Ms + " / " + resolveMaxMs + " ms");
    }
}
