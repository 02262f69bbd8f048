package dev.pledge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to run: the targets (protocols and baselines, in order), each at every number of clients, for the
 * duration after a warm-up, over {@code skus} products, paid from {@code accounts} accounts the clients share (0:
 * each client its own); results go under {@code resultsDir}. Before anything is measured, each protocol of the
 * run is exercised for {@code stackWarmup} (zero: not at all).
 */
public record BenchSettings(List<String> targets, List<Integer> clients, Duration duration, Duration warmup, int skus,
                            int accounts, Path resultsDir, Duration stackWarmup) {
    /** Whether clients share accounts, so that two orders may want the same row in both databases. */
    public boolean sharedAccounts() {
        return accounts > 0;
    }

    public static final List<String> PROTOCOLS = List.of("2pc", "3pc", "saga");
    /** Clients of the stack's warm-up, at most: enough to run every path the rows will, few enough for two cores. */
    public static final int WARM_UP_CLIENTS = 8;

    /** The protocols among the targets: the rows that run through the services. */
    public List<String> protocols() {
        return targets.stream().filter(PROTOCOLS::contains).toList();
    }
}
