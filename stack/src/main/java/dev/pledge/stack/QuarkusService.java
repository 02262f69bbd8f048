package dev.pledge.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One of Pledge's Quarkus services, run from its built {@code target/quarkus-app/quarkus-run.jar}. */
public final class QuarkusService extends ManagedProcess {
    private final Path jar;
    private final String java;
    private final Map<String, String> env;
    private final List<String> launcher;

    public QuarkusService(String name, String module, int port, Path stateDir, Path home, String java,
                          Map<String, String> env) {
        this(name, home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"), port, stateDir, java, env, List.of());
    }

    private QuarkusService(String name, Path jar, int port, Path stateDir, String java, Map<String, String> env,
                           List<String> launcher) {
        super(name, port, stateDir);
        this.jar = jar;
        this.java = java;
        this.env = Map.copyOf(env);
        this.launcher = List.copyOf(launcher);
    }

    /**
     * The same service (name, port, PID file) started with some settings replaced, e.g. a coordinator that
     * reaches its participants through a fault proxy.
     */
    public QuarkusService withEnvironment(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(overrides);
        return new QuarkusService(name(), jar, port(), stateDir(), java, all, launcher);
    }

    /**
     * The same service started inside a network namespace ({@code ip netns exec NAME}, which needs root);
     * {@code ip} execs Java, so the PID file still names the service itself.
     */
    public QuarkusService inNetworkNamespace(String namespace) {
        return new QuarkusService(name(), jar, port(), stateDir(), java, env, List.of("ip", "netns", "exec", namespace));
    }

    @Override
    public String kind() {
        return "service";
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    protected String marker() {
        return "-Dpledge.component=" + name();
    }

    @Override
    protected void prepare() {
        if (!Files.exists(jar)) {
            throw new StackException(name() + " is not built: " + jar + " is missing (build with ./mvnw package -DskipTests)");
        }
    }

    @Override
    protected List<String> command() {
        List<String> cmd = new java.util.ArrayList<>(launcher);
        cmd.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", marker(),
                "-jar", jar.toString()));
        return cmd;
    }

    @Override
    protected Map<String, String> environment() {
        return env;
    }

    @Override
    public boolean isReady() {
        return Net.answers200(baseUrl() + "/q/health/ready");
    }
}
