package dev.pledge.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, where the built broker and service jars are found. */
public final class PledgeHome {
    private PledgeHome() {
    }

    /** {@code -Dpledge.home} (set by the build), else the nearest parent of the working directory with mvnw. */
    public static Path locate() {
        String prop = System.getProperty("pledge.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.isDirectory(p.resolve("kafka-broker"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Pledge repository root: set -Dpledge.home");
    }

    /** Where a test keeps its processes' data and logs: the module's target directory. */
    public static Path testState(String name) {
        return Path.of("target", "pledge-test", name).toAbsolutePath();
    }
}
