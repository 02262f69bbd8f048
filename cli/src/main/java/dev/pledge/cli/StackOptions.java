package dev.pledge.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.pledge.identity.Caller;
import dev.pledge.stack.ComponentStatus;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackConfig;

/** The local stack as configured by the environment (see {@link StackConfig}). */
final class StackOptions {
    private StackOptions() {
    }

    /** The stack; the CLI's calls to it are signed with its operator key from now on. */
    static Stack stack() {
        Stack stack = new Stack(StackConfig.fromEnv(System.getenv(), defaultHome()));
        Api.actAs(stack.identities().minter(Caller.OPERATOR));
        return stack;
    }

    /** The local stack when every component of it runs; otherwise empty, after saying on stderr what does not. */
    static Optional<Stack> running() {
        Stack stack = stack();
        List<String> down = stack.status().stream().filter(s -> s.state() != ComponentStatus.State.RUNNING)
                .map(ComponentStatus::name).toList();
        if (!down.isEmpty()) {
            System.err.println("error: not running: " + String.join(", ", down) + ". Start the stack with ./pledge up");
            return Optional.empty();
        }
        return Optional.of(stack);
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
