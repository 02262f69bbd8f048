package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the operating-system user this JVM runs as. */
public final class OsUser {
    private OsUser() {
    }

    /** True when the effective user id is 0. PostgreSQL refuses to run as root. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return "0".equals(ids[1]);
                }
            }
        } catch (IOException e) {
            // not Linux: fall back to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
