package dev.pledge.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files of secrets: written whole (a temporary file moved into place) with their permissions set before any byte. */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    /** Makes the directory if it is missing, and leaves it readable only by its owner either way. */
    public static void directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        restrict(dir, "rwx------");
    }

    /**
     * Writes the file only if there is none yet, even with another process writing the same name at the same time:
     * the first one's file stays (a hard link to a whole temporary file, which fails if the name exists).
     *
     * @return whether this call wrote it
     */
    public static boolean writeNew(Path f, String content, String permissions) throws IOException {
        Path tmp = Files.createTempFile(f.getParent(), f.getFileName().toString(), ".tmp");
        try {
            restrict(tmp, permissions);
            Files.writeString(tmp, content);
            Files.createLink(f, tmp);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the file whole, with these permissions (e.g. {@code rw-------}). */
    public static void write(Path f, String content, String permissions) throws IOException {
        Path tmp = Files.createTempFile(f.getParent(), f.getFileName().toString(), ".tmp");
        restrict(tmp, permissions);
        Files.writeString(tmp, content);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path p, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        }
    }
}
