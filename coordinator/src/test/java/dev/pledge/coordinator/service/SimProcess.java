package dev.pledge.coordinator.service;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Attempt;
import dev.pledge.coordinator.protocol.Protocol;

/**
 * One coordinator process of the simulation, under a node id: the real services wired to the world's log,
 * network and crash points, with nothing of an earlier process's memory. Calls run on the calling thread.
 */
final class SimProcess {
    final String node;
    final Driver driver = new Driver();
    final Recovery recovery = new Recovery();
    /** False once it crashed: every operation it tries from then on fails. */
    boolean up = true;

    private final ExecutorService inline = new Inline();

    SimProcess(SimWorld world, String node) {
        this.node = node;
        CrashPoints points = new CrashPoints(Optional.empty()) {
            @Override
            public void hit(String point) {
                world.crashPoint(point);
            }
        };
        FakeLog log = world.log();
        FakeCalls calls = new FakeCalls(world);
        InFlight inFlight = new InFlight();
        CoordinatorMetrics metrics = new CoordinatorMetrics(world.meters());
        Votes votes = new Votes();
        votes.log = log;
        votes.metrics = metrics;
        votes.json = new ObjectMapper();
        votes.config = config(node);

        driver.log = log;
        driver.calls = calls;
        driver.votes = votes;
        driver.inFlight = inFlight;
        driver.crashPoints = points;
        driver.metrics = metrics;
        driver.config = config(node);

        recovery.log = log;
        recovery.driver = driver;
        recovery.inFlight = inFlight;
        recovery.executor = inline;
        recovery.metrics = metrics;
        recovery.node = new NodeIdentity(config(node));
    }

    /** Begins and runs one transaction between every participant of the votes given. */
    UUID run(Protocol protocol, java.util.Collection<String> participants) {
        List<BranchSpec> branches = participants.stream()
                .map(p -> new BranchSpec(p, "http://" + p, "{\"participant\":\"" + p + "\"}")).toList();
        Attempt attempt = Attempt.first(UUID.randomUUID(), Instant.now(), Duration.ofSeconds(5), LockPolicy.WAIT_DIE);
        driver.run(attempt, protocol, branches, null);
        return attempt.id();
    }

    private static CoordinatorConfig config(String node) {
        return (CoordinatorConfig) Proxy.newProxyInstance(CoordinatorConfig.class.getClassLoader(),
                new Class<?>[] {CoordinatorConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "url" -> "http://" + node;
                    case "nodeId" -> Optional.of(node);
                    case "callTimeout" -> Duration.ofSeconds(1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Runs every task on the caller's thread, so a run is deterministic. */
    private static final class Inline extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
