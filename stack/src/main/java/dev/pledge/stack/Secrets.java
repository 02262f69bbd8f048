package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.pledge.identity.PrivateFiles;

/**
 * The local stack's credentials, generated on first use into {@code <state dir>/secrets/} (0700; each file
 * 0600, readable only by the user who runs the stack) and kept for as long as the state directory: one file per
 * secret, its content the secret itself. {@code ./pledge down --purge} deletes them with the rest.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Object PGPASS_LOCK = new Object();

    private final Path dir;

    private Secrets(Path dir) {
        this.dir = dir;
    }

    public static Secrets of(Path stateDir) {
        return new Secrets(stateDir.resolve("secrets"));
    }

    public Path dir() {
        return dir;
    }

    /** The directory, made if missing, readable only by its owner. */
    public Path directory() {
        try {
            PrivateFiles.directory(dir);
            return dir;
        } catch (IOException e) {
            throw new StackException("cannot make " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public boolean exists(String name) {
        return Files.exists(file(name));
    }

    /** The secret of this name: read from its file, or made (128 random bits, as hex) and written on first use. */
    public String password(String name) {
        Path f = file(name);
        try {
            synchronized (Secrets.class) {
                if (!Files.exists(f)) {
                    byte[] bytes = new byte[16];
                    RANDOM.nextBytes(bytes);
                    write(f, HexFormat.of().formatHex(bytes));
                }
            }
            return Files.readString(f).strip();
        } catch (IOException e) {
            throw new StackException("cannot read or write the secret " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a login in {@code pgpass} (the libpq password file), so that
     * {@code PGPASSFILE=<state dir>/secrets/pgpass psql -h 127.0.0.1 -p PORT -U USER DB} needs no password typed.
     */
    public void pgpass(int port, String user, String password) {
        Path f = file("pgpass");
        String prefix = "127.0.0.1:" + port + ":*:" + user + ":";
        synchronized (PGPASS_LOCK) {
            try {
                List<String> lines = new ArrayList<>();
                if (Files.exists(f)) {
                    Files.readAllLines(f).stream().filter(l -> !l.startsWith(prefix)).forEach(lines::add);
                }
                lines.add(prefix + password);
                write(f, String.join("\n", lines) + "\n");
            } catch (IOException e) {
                throw new StackException("cannot write " + f + ": " + e.getMessage(), e);
            }
        }
    }

    private void write(Path f, String content) throws IOException {
        PrivateFiles.directory(dir);
        PrivateFiles.write(f, content, "rw-------");
    }
}
