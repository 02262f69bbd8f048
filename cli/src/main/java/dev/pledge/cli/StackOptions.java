package dev.pledge.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;

import dev.pledge.stack.Stack;
import dev.pledge.stack.StackConfig;

/** The local stack as configured by the environment (see {@link StackConfig}). */
final class StackOptions {
    private StackOptions() {
    }

    static Stack stack() {
        return new Stack(StackConfig.fromEnv(System.getenv(), defaultHome()));
    }

    /** The repository root: two levels above this jar (cli/target/pledge-cli.jar), or the working directory. */
    private static Path defaultHome() {
        try {
            Path jar = Path.of(Pledge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path home = jar.getParent() == null ? null : jar.getParent().getParent();
            if (home != null && home.getParent() != null && home.getFileName().toString().equals("cli")) {
                return home.getParent();
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
