package dev.pledge.bench;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress bar for one run: redrawn in place on a terminal, a line every five seconds otherwise (a log, a
 * pipe, the dashboard's experiment view).
 */
final class Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long warmupNanos;
    private final long totalNanos;
    private final boolean terminal = System.console() != null;
    private long lastLine = -1;
    private String latest = "";
    private boolean latestShown;

    Progress(PrintStream out, String target, int clients, Duration warmup, Duration duration) {
        this.out = out;
        this.label = String.format("%-10s %3d clients", target, clients);
        this.warmupNanos = warmup.toNanos();
        this.totalNanos = warmup.toNanos() + duration.toNanos();
    }

    void update(long elapsedNanos, long orders, long errors, double p99Ms) {
        double done = Math.min(1.0, (double) elapsedNanos / totalNanos);
        int filled = (int) Math.round(done * WIDTH);
        boolean warming = elapsedNanos < warmupNanos;
        double measuredS = Math.max(0, (elapsedNanos - warmupNanos) / 1e9);
        String line = String.format("%s [%s%s] %3.0f%% %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                done * 100, warming ? "warming up"
                        : String.format("%,d orders  %,.0f/s  p99 %.1f ms%s", orders, measuredS > 0 ? orders / measuredS : 0,
                        p99Ms, errors > 0 ? String.format("  %,d errors", errors) : ""));
        latest = line;
        latestShown = false;
        if (terminal) {
            out.print("\r" + line + "   ");
            out.flush();
            latestShown = true;
        } else {
            long interval = elapsedNanos / 5_000_000_000L;
            if (interval != lastLine) {
                lastLine = interval;
                out.println(line);
                latestShown = true;
            }
        }
    }

    /** Ends the bar with the run's last state: the orders, throughput and p99 it measured. */
    void done() {
        if (terminal) {
            out.println();
        } else if (!latestShown && !latest.isEmpty()) {
            out.println(latest);
        }
    }
}
