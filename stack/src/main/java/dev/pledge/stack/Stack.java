package dev.pledge.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;

/**
 * The whole local stack: four PostgreSQL servers, one Kafka broker, the four services and the dashboard, each
 * a separate OS process. Infrastructure starts first (in parallel), then the services (in parallel). The
 * coordinator and the saga orchestrator may run as several replicas behind a balancer (see {@link Topology}).
 */
public final class Stack {
    public static final String PG_COORDINATOR = "postgres-coordinator";
    public static final String PG_INVENTORY = "postgres-inventory";
    public static final String PG_PAYMENT = "postgres-payment";
    public static final String PG_SAGA = "postgres-saga";
    public static final String KAFKA = "kafka";
    public static final String KAFKA_CONTROLLER = "kafka-controller";
    public static final String COORDINATOR = "coordinator";
    public static final String INVENTORY = "inventory";
    public static final String PAYMENT = "payment";
    public static final String SAGA_ORCHESTRATOR = "saga-orchestrator";
    public static final String DASHBOARD = "dashboard";

    private static final Duration INFRA_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration GRACE = Duration.ofSeconds(20);

    /** The caller each service module signs as. */
    private static final Map<String, Caller> CALLERS = Map.of("coordinator", Caller.COORDINATOR,
            "participant-inventory", Caller.INVENTORY, "participant-payment", Caller.PAYMENT,
            "saga-orchestrator", Caller.SAGA_ORCHESTRATOR, "dashboard", Caller.DASHBOARD);

    private final StackConfig config;
    private final List<ManagedProcess> infrastructure;
    private final List<QuarkusService> services;
    private final Identities identities;

    public Stack(StackConfig config) {
        this.config = config;
        Path state = config.stateDir();
        this.identities = Identities.in(Secrets.of(state).directory().resolve("identity")).ensure();
        PostgresServer pgCoordinator = postgres(PG_COORDINATOR, "coordinator");
        PostgresServer pgInventory = postgres(PG_INVENTORY, "inventory");
        PostgresServer pgPayment = postgres(PG_PAYMENT, "payment");
        PostgresServer pgSaga = postgres(PG_SAGA, "saga");
        KafkaBroker kafka = new KafkaBroker(KAFKA, config.port(KAFKA), config.port(KAFKA_CONTROLLER), state,
                config.home(), config.java());
        this.infrastructure = List.of(pgCoordinator, pgInventory, pgPayment, pgSaga, kafka);
        String coordinatorUrl = "http://127.0.0.1:" + config.port(COORDINATOR);
        Map<String, String> inventoryEnv = withKafka(datasource(pgInventory), kafka.login(KafkaLogin.INVENTORY));
        inventoryEnv.put("PLEDGE_PARTICIPANT_COORDINATOR_URL", coordinatorUrl);
        QuarkusService inventory = service(INVENTORY, "participant-inventory", inventoryEnv);
        Map<String, String> paymentEnv = withKafka(datasource(pgPayment), kafka.login(KafkaLogin.PAYMENT));
        paymentEnv.put("PLEDGE_PARTICIPANT_COORDINATOR_URL", coordinatorUrl);
        QuarkusService payment = service(PAYMENT, "participant-payment", paymentEnv);
        Map<String, String> coordinatorEnv = new HashMap<>(datasource(pgCoordinator));
        coordinatorEnv.put("PLEDGE_PARTICIPANTS_INVENTORY_URL", inventory.baseUrl());
        coordinatorEnv.put("PLEDGE_PARTICIPANTS_PAYMENT_URL", payment.baseUrl());
        // each replica is watched by 3PC participants at its own address, and named in the lease table
        List<QuarkusService> coordinators = replicated(COORDINATOR, "coordinator", config.topology().coordinators(),
                (name, url) -> {
                    Map<String, String> env = new HashMap<>(coordinatorEnv);
                    env.put("PLEDGE_COORDINATOR_URL", url);
                    env.put("PLEDGE_COORDINATOR_NODE_ID", name);
                    return env;
                });
        Map<String, String> sagaEnv = withKafka(datasource(pgSaga), kafka.login(KafkaLogin.ORCHESTRATOR));
        sagaEnv.put("PLEDGE_PARTICIPANTS_INVENTORY_URL", inventory.baseUrl());
        sagaEnv.put("PLEDGE_PARTICIPANTS_PAYMENT_URL", payment.baseUrl());
        List<QuarkusService> orchestrators = replicated(SAGA_ORCHESTRATOR, "saga-orchestrator",
                config.topology().orchestrators(), (name, url) -> {
                    Map<String, String> env = new HashMap<>(sagaEnv);
                    env.put("PLEDGE_SAGA_INSTANCE_ID", name);
                    return env;
                });
        Map<String, String> dashboardEnv = new HashMap<>();
        dashboardEnv.put("PLEDGE_DASHBOARD_COORDINATOR_URL", coordinatorUrl);
        dashboardEnv.put("PLEDGE_DASHBOARD_INVENTORY_URL", inventory.baseUrl());
        dashboardEnv.put("PLEDGE_DASHBOARD_PAYMENT_URL", payment.baseUrl());
        dashboardEnv.put("PLEDGE_DASHBOARD_ORCHESTRATOR_URL", "http://127.0.0.1:" + config.port(SAGA_ORCHESTRATOR));
        dashboardEnv.put("PLEDGE_HOME", config.home().toString());
        dashboardEnv.put("PLEDGE_STATE_DIR", config.stateDir().toString());
        QuarkusService dashboard = service(DASHBOARD, "dashboard", dashboardEnv);
        List<QuarkusService> all = new ArrayList<>(List.of(inventory, payment));
        all.addAll(coordinators);
        all.addAll(orchestrators);
        all.add(dashboard);
        this.services = List.copyOf(all);
    }

    /** What one replica of a service is given on top of the service's settings: (replica name, its own base URL). */
    @FunctionalInterface
    private interface ReplicaEnv {
        Map<String, String> of(String name, String url);
    }

    /**
     * A service as configured by the topology: itself on its port, or {@code count} replicas on theirs with a
     * balancer on the service's port (listed after the replicas, so it is ready once one of them is).
     */
    private List<QuarkusService> replicated(String name, String module, int count, ReplicaEnv env) {
        String front = "http://127.0.0.1:" + config.port(name);
        if (count == 1) {
            return List.of(service(name, module, env.of(name, front)));
        }
        List<QuarkusService> replicas = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String replica = Topology.replica(name, i);
            replicas.add(service(replica, module, env.of(replica, "http://127.0.0.1:" + config.port(replica))));
        }
        List<QuarkusService> all = new ArrayList<>(replicas);
        all.add(service(name, "balancer", Map.of("PLEDGE_BALANCER_BACKENDS",
                String.join(",", replicas.stream().map(QuarkusService::baseUrl).toList()))));
        return all;
    }

    /** The processes that run a service: its replicas, or the service itself when it has one. */
    public List<QuarkusService> replicas(String name) {
        List<QuarkusService> replicas = services.stream().filter(s -> s.name().startsWith(name + "-")
                && s.name().substring(name.length() + 1).chars().allMatch(Character::isDigit)).toList();
        return replicas.isEmpty() ? List.of(service(name)) : replicas;
    }

    private PostgresServer postgres(String name, String database) {
        return new PostgresServer(name, config.port(name), config.stateDir(), database, config.fsync(),
                config.pgBin());
    }

    private QuarkusService service(String name, String module, Map<String, String> env) {
        Map<String, String> full = new HashMap<>(config.env());
        full.putAll(env);
        full.put("QUARKUS_HTTP_PORT", Integer.toString(config.port(name)));
        full.put("QUARKUS_HTTP_HOST", "127.0.0.1"); // the local stack is for this machine only
        full.put("PLEDGE_SECURITY_OPEN_ON_LOOPBACK", "true"); // so its users read and use the dashboard without a login
        full.put("PLEDGE_LAB_ENABLED", "true"); // the local stack is the lab: crash points and saga silence on
        Optional.ofNullable(CALLERS.get(module)).ifPresent(caller -> {
            full.put("PLEDGE_IDENTITY_KEY_FILE", identities.keyFile(caller).toString());
            full.put("PLEDGE_IDENTITY_TRUST_FILE", identities.trustFile().toString());
        });
        return new QuarkusService(name, module, config.port(name), config.stateDir(), config.home(), config.java(), full);
    }

    private static Map<String, String> withKafka(Map<String, String> env, KafkaLogin kafka) {
        Map<String, String> all = new HashMap<>(env);
        all.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        all.put("PLEDGE_KAFKA_USERNAME", kafka.user());
        all.put("PLEDGE_KAFKA_PASSWORD", kafka.password());
        return all;
    }

    private static Map<String, String> datasource(PostgresServer pg) {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", pg.serviceUser(),
                "QUARKUS_DATASOURCE_PASSWORD", pg.servicePassword());
    }

    public StackConfig config() {
        return config;
    }

    /** The callers' keys of this stack (docs/security.md); the operator's tools sign with {@link Caller#OPERATOR}. */
    public Identities identities() {
        return identities;
    }

    public List<ManagedProcess> components() {
        return Stream.concat(infrastructure.stream(), services.stream()).toList();
    }

    public Optional<ManagedProcess> component(String name) {
        return components().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public QuarkusService service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown service " + name));
    }

    public KafkaBroker kafka() {
        return infrastructure.stream().filter(c -> c.name().equals(KAFKA)).map(KafkaBroker.class::cast).findFirst()
                .orElseThrow();
    }

    public PostgresServer postgres(String name) {
        return infrastructure.stream().filter(c -> c.name().equals(name)).map(PostgresServer.class::cast)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown PostgreSQL server " + name));
    }

    /**
     * Starts whatever is not running and waits until every component is ready. Running it twice is harmless.
     *
     * @param progress receives one line per component as it becomes ready
     */
    public void up(Consumer<String> progress) {
        startAll(infrastructure, INFRA_TIMEOUT, progress);
        startAll(services, SERVICE_TIMEOUT, progress);
    }

    private void startAll(List<? extends ManagedProcess> group, Duration timeout, Consumer<String> progress) {
        ExecutorService pool = Executors.newFixedThreadPool(group.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ManagedProcess c : group) {
                futures.add(pool.submit(() -> startOne(c, timeout, progress)));
            }
            List<String> failures = new ArrayList<>();
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failures.add(e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StackException("interrupted while starting the stack", e);
                }
            }
            if (!failures.isEmpty()) {
                throw new StackException(String.join("\n\n", failures));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void startOne(ManagedProcess c, Duration timeout, Consumer<String> progress) {
        long t0 = System.nanoTime();
        boolean stale = c.hasStalePidFile();
        boolean started = c.start();
        c.awaitReady(timeout);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String pid = c.runningPid().isPresent() ? " pid " + c.runningPid().getAsLong() : "";
        String note = stale ? " (replaced a stale PID file)" : "";
        synchronized (progress) {
            progress.accept(String.format("  %-21s %s on port %d%s%s", c.name(),
                    started ? "ready in " + ms + " ms," : "already running,", c.port(), pid, note));
        }
    }

    /**
     * Stops exactly the processes this stack started (by their PID files), services first.
     *
     * @param purge also delete the state directory (data, logs)
     */
    public void down(Consumer<String> progress, boolean purge) {
        List<ManagedProcess> reversed = new ArrayList<>(components());
        Collections.reverse(reversed);
        for (ManagedProcess c : reversed) {
            progress.accept(String.format("  %-21s %s", c.name(), c.stop(GRACE)));
        }
        if (purge) {
            try {
                FileTrees.delete(config.stateDir());
            } catch (IOException e) {
                throw new StackException("could not remove " + config.stateDir() + ": " + e.getMessage(), e);
            }
            progress.accept("  removed " + config.stateDir());
        }
    }

    public List<ComponentStatus> status() {
        return components().stream().map(ManagedProcess::status).toList();
    }
}
