package dev.pledge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to run: the targets (protocols and baselines, in order), each at every number of clients, for the
 * duration after a warm-up, over {@code skus} products, paid from {@code accounts} accounts the clients share (0:
 * each client its own); results go under {@code resultsDir}.
 */
public record BenchSettings(List<String> targets, List<Integer> clients, Duration duration, Duration warmup, int skus,
                            int accounts, Path resultsDir) {
    /** Whether clients share accounts, so that two orders may want the same row in both databases. */
    public boolean sharedAccounts() {
        return accounts > 0;
    }

    public static final List<String> PROTOCOLS = List.of("2pc", "3pc", "saga");
}
