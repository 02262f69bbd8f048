package dev.pledge.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the local stack lives and which ports it uses, read from the environment.
 *
 * <ul>
 *   <li>{@code PLEDGE_HOME}: the repository root (built jars are found under it);</li>
 *   <li>{@code PLEDGE_STATE_DIR}: data, logs and PID files (default {@code $PLEDGE_HOME/.pledge});</li>
 *   <li>{@code PLEDGE_<COMPONENT>_PORT}, e.g. {@code PLEDGE_POSTGRES_INVENTORY_PORT}, {@code PLEDGE_KAFKA_PORT},
 *       {@code PLEDGE_COORDINATOR_2_PORT} (replicas: coordinators from 8180, orchestrators from 8190);</li>
 *   <li>{@code PLEDGE_PG_FSYNC}: {@code on} (default) or {@code off};</li>
 *   <li>{@code PLEDGE_PG_BIN}: PostgreSQL's bin directory; {@code PLEDGE_JAVA}: the java to run services with.</li>
 * </ul>
 * The whole environment is handed on to the services, so any of their settings can be overridden there.
 */
public record StackConfig(Path home, Path stateDir, Map<String, Integer> ports, boolean fsync, String pgBin,
                          String java, Map<String, String> env, Topology topology) {

    /** Default ports by component name. */
    public static final Map<String, Integer> DEFAULT_PORTS = defaultPorts();

    private static Map<String, Integer> defaultPorts() {
        Map<String, Integer> p = new LinkedHashMap<>();
        p.put(Stack.PG_COORDINATOR, 5441);
        p.put(Stack.PG_INVENTORY, 5442);
        p.put(Stack.PG_PAYMENT, 5443);
        p.put(Stack.PG_SAGA, 5444);
        p.put(Stack.KAFKA, 9092);
        p.put(Stack.KAFKA_CONTROLLER, 9093);
        p.put(Stack.COORDINATOR, 8080);
        p.put(Stack.INVENTORY, 8081);
        p.put(Stack.PAYMENT, 8082);
        p.put(Stack.SAGA_ORCHESTRATOR, 8083);
        p.put(Stack.DASHBOARD, 8084);
        for (int i = 1; i <= Topology.MAX_REPLICAS; i++) {
            p.put(Topology.replica(Stack.COORDINATOR, i), 8180 + i - 1);
            p.put(Topology.replica(Stack.SAGA_ORCHESTRATOR, i), 8190 + i - 1);
        }
        return Map.copyOf(p);
    }

    public static StackConfig fromEnv(Map<String, String> env, Path defaultHome) {
        Path home = Path.of(env.getOrDefault("PLEDGE_HOME", defaultHome.toString())).toAbsolutePath().normalize();
        Path state = Path.of(env.getOrDefault("PLEDGE_STATE_DIR", home.resolve(".pledge").toString()))
                .toAbsolutePath().normalize();
        Map<String, Integer> ports = new LinkedHashMap<>();
        DEFAULT_PORTS.forEach((name, port) -> ports.put(name, port(env, name, port)));
        String fsync = env.getOrDefault("PLEDGE_PG_FSYNC", "on").toLowerCase(Locale.ROOT);
        if (!fsync.equals("on") && !fsync.equals("off")) {
            throw new StackException("PLEDGE_PG_FSYNC must be on or off, not '" + fsync + "'");
        }
        String java = env.getOrDefault("PLEDGE_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new StackConfig(home, state, Map.copyOf(ports), fsync.equals("on"), env.get("PLEDGE_PG_BIN"), java,
                Map.copyOf(env), Topology.load(state));
    }

    /** The same stack with another number of replicas (not saved: see {@link Topology#save}). */
    public StackConfig withTopology(Topology other) {
        return new StackConfig(home, stateDir, ports, fsync, pgBin, java, env, other);
    }

    /** The environment variable that overrides a component's port. */
    public static String portVariable(String component) {
        return "PLEDGE_" + component.toUpperCase(Locale.ROOT).replace('-', '_') + "_PORT";
    }

    private static int port(Map<String, String> env, String component, int fallback) {
        String var = portVariable(component);
        String raw = env.get(var);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(raw.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new StackException(var + " must be a port number between 1 and 65535, not '" + raw + "'");
        }
    }

    public int port(String component) {
        Integer port = ports.get(component);
        if (port == null) {
            throw new IllegalArgumentException("unknown component " + component);
        }
        return port;
    }
}
