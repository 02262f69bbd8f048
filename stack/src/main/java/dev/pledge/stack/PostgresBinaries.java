package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds PostgreSQL server binaries (initdb, postgres). */
public final class PostgresBinaries {
    private PostgresBinaries() {
    }

    /**
     * The directory holding initdb and postgres: {@code PLEDGE_PG_BIN} when set, else the newest
     * {@code /usr/lib/postgresql/<version>/bin}, else a directory on the PATH that has both, else binaries
     * fetched from Maven Central ({@link PostgresDownload}).
     */
    public static Path locate(String override) {
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override);
            if (!hasServer(dir)) {
                throw new StackException("PLEDGE_PG_BIN=" + override + " does not contain initdb and postgres");
            }
            return dir;
        }
        return debianInstall().or(PostgresBinaries::onPath).orElseGet(PostgresDownload::binaries);
    }

    private static Optional<Path> debianInstall() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(PostgresBinaries::hasServer)
                    .max(Comparator.comparingInt(PostgresBinaries::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).filter(p -> !p.isBlank()).map(Path::of)
                .filter(PostgresBinaries::hasServer).findFirst();
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean hasServer(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("postgres"));
    }
}
