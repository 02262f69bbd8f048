package dev.pledge.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * What the operator did to the local stack's processes, one line each in {@code <state dir>/logs/audit.log}
 * (readable only by the owner): when, which OS user, and what, e.g. {@code 2026-12-06T23:10:00Z root stopped
 * coordinator (SIGKILL)}. The services audit what is done through them under {@code pledge.audit} in their own
 * logs (docs/security.md); starting and stopping a process is done to it, so it is written here.
 */
public final class AuditTrail {
    private final Path file;

    private AuditTrail(Path file) {
        this.file = file;
    }

    public static AuditTrail of(StackConfig config) {
        return new AuditTrail(config.stateDir().resolve("logs").resolve("audit.log"));
    }

    public Path file() {
        return file;
    }

    /** Appends one line; a trail that cannot be written is reported, never silently skipped. */
    public synchronized void record(String what) {
        String line = Instant.now() + " " + System.getProperty("user.name", "?") + " " + what + "\n";
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new StackException("cannot write the audit trail " + file + ": " + e.getMessage(), e);
        }
    }
}
