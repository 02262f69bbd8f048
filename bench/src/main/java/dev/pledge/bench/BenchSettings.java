package dev.pledge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to run: the targets (protocols and baselines, in order), each at every number of clients, for the
 * duration after a warm-up, over {@code skus} products; results go under {@code resultsDir}.
 */
public record BenchSettings(List<String> targets, List<Integer> clients, Duration duration, Duration warmup, int skus,
                            Path resultsDir) {
    public static final List<String> PROTOCOLS = List.of("2pc", "3pc", "saga");
}
