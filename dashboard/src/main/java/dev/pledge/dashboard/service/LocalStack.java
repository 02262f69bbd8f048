package dev.pledge.dashboard.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.stack.Stack;
import dev.pledge.stack.StackConfig;

/**
 * The local stack this dashboard belongs to, when {@code ./pledge up} started it: then it can restart a
 * stopped component and run the CLI's experiments. Elsewhere (Kubernetes, Compose) those controls are off.
 */
@ApplicationScoped
public class LocalStack {
    static final String CLI_JAR = "cli/target/pledge-cli.jar";
    private final Optional<Stack> stack;

    public LocalStack() {
        this(System.getenv());
    }

    LocalStack(Map<String, String> env) {
        String home = env.get("PLEDGE_HOME");
        stack = home == null || home.isBlank() || !Files.isDirectory(Path.of(home))
                ? Optional.empty() : Optional.of(new Stack(StackConfig.fromEnv(env, Path.of(home))));
    }

    public Optional<Stack> stack() {
        return stack;
    }

    public boolean isPresent() {
        return stack.isPresent();
    }

    /** The CLI jar, when it has been built. */
    public Optional<Path> cliJar() {
        return stack.map(s -> s.config().home().resolve(CLI_JAR)).filter(Files::isRegularFile);
    }
}
