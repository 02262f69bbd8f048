package dev.pledge.coordinator.service;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.NodeIdentity;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.metrics.CoordinatorMetrics;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A deterministic simulation of one coordinator process driving one transaction with the real
 * {@link TwoPhaseCommit}, {@link ThreePhaseCommit}, {@link PhaseTwo} and {@link Recovery} code, over a
 * scripted network and scripted crashes. The log and the participants survive a crash; everything else is
 * built again on restart, as in a new process. Calls run on the calling thread, so a script always plays
 * out the same way.
 */
final class SimWorld {
    /** The one coordinator replica of the simulation. */
    static final String NODE = "coordinator";
    enum Fault {
        DELIVER, LOSE_REQUEST, LOSE_REPLY
    }

    /**
     * What happens in one run: the protocol, each participant's vote, the fate of each call in order (then
     * all delivered), the crash points that halt the process when first reached, the operations (log
     * writes, reads and sends, counted from the start) before which it crashes, whether 3PC
     * participants run their termination protocol while it is down, and whether its database crashes with
     * it (losing the log's writes since the last forced one).
     */
    record Script(Protocol protocol, Map<String, Boolean> votes, List<Fault> faults, Set<String> crashPoints,
            Set<Integer> crashBeforeOperation, boolean participantsTerminate, boolean databaseCrashes) {
    }

    private static final int MAX_RECOVERY_PASSES = 60;
    /** Recovery logs each pass a simulated crash cut short; thousands of runs would flood the test output. */
    private static final java.util.logging.Logger RECOVERY_LOG = quiet(Recovery.class);

    private static java.util.logging.Logger quiet(Class<?> type) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(type.getName());
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    private final Script script;
    private final FakeLog log = new FakeLog(this);
    private final SimParticipants participants;
    private final Deque<Fault> faults;
    private final Set<String> crashPoints;
    private final List<String> violations = new ArrayList<>();
    private final ExecutorService inline = new Inline();
    /** Shared by every process of the run, as Prometheus would sum a counter over restarts. */
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private boolean up = true;
    private int operations;
    private int crashes;

    SimWorld(Script script) {
        this.script = script;
        this.participants = new SimParticipants(script.votes());
        this.faults = new ArrayDeque<>(script.faults());
        this.crashPoints = new HashSet<>(script.crashPoints());
    }

    FakeLog log() {
        return log;
    }

    SimParticipants participants() {
        return participants;
    }

    List<String> violations() {
        return violations;
    }

    int crashes() {
        return crashes;
    }

    /** Transaction ends counted with this outcome, over every process of the run. */
    double endsCounted(TxState outcome) {
        return meters.find("pledge.transactions").tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    double endsCounted() {
        return meters.find("pledge.transactions").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    void violation(String what) {
        violations.add(what);
    }

    static UUID txOf(String gid) {
        return UUID.fromString(gid.substring(0, gid.indexOf('.')));
    }

    /** Every fake operation passes here: it fails once the process is down, or crashes it as scripted. */
    void alive(String where) {
        if (!up) {
            throw new SimulatedCrash(where + " (already down)");
        }
        if (script.crashBeforeOperation().contains(++operations)) {
            crash(where);
        }
    }

    Fault nextFault() {
        return faults.isEmpty() ? Fault.DELIVER : faults.poll();
    }

    private void crash(String where) {
        up = false;
        crashes++;
        if (script.databaseCrashes()) {
            log.loseUnforced();
        }
        throw new SimulatedCrash(where);
    }

    /**
     * Runs the transaction, then restarts and recovers until the log says it is final.
     *
     * @return its id
     */
    UUID play() {
        Services s = boot();
        List<BranchSpec> branches = script.votes().keySet().stream()
                .map(p -> new BranchSpec(p, "http://" + p, "{\"participant\":\"" + p + "\"}")).toList();
        Services first = s;
        UUID id = survive(() -> script.protocol() == Protocol.TWO_PC
                ? first.twoPhase.run(branches, Duration.ofSeconds(5), null)
                        : first.threePhase.run(branches, Duration.ofSeconds(5), null));
        if (id == null || !log.knows(id)) {
            id = log.entries.keySet().stream().findFirst().orElse(null);
        }
        if (id == null && !up) {
            restart(); // the transaction is not in the log: its participants hear so when they ask
        }
        for (int pass = 0; id != null && pass < MAX_RECOVERY_PASSES; pass++) {
            if (!up) {
                s = restart();
            }
            if (!log.knows(id)) {
                return null; // a crash of the database lost its begin record (and the participants asked)
            }
            if (log.entry(id).state.isFinal()) {
                break;
            }
            Services now = s;
            survive(() -> now.recovery.scanOnce());
        }
        return id;
    }

    /**
     * A new process: nothing of the old one's memory is left. While it was down, 3PC participants may have
     * terminated; once it is up, participants holding a prepared branch of a transaction the log does not
     * know ask, and abort it (presumed abort).
     */
    private Services restart() {
        if (script.participantsTerminate() && script.protocol() == Protocol.THREE_PC) {
            participants.terminate(participants.gids());
        }
        up = true;
        Services s = boot();
        participants.inquire(log::knows);
        return s;
    }

    /** Runs one piece of the process; a crash ends it quietly, anything else is a failure of the code. */
    private <T> T survive(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException | SimulatedCrash e) {
            if (up) {
                throw e;
            }
            return null;
        }
    }

    private Services boot() {
        Services s = new Services();
        CrashPoints points = new CrashPoints(Optional.empty()) {
            @Override
            public void hit(String point) {
                if (crashPoints.remove(point)) {
                    crash(point);
                }
            }
        };
        FakeCalls calls = new FakeCalls(this);
        InFlight inFlight = new InFlight();
        ObjectMapper json = new ObjectMapper();

        CoordinatorMetrics metrics = new CoordinatorMetrics(meters);
        Votes votes = new Votes();
        votes.log = log;
        votes.metrics = metrics;
        votes.crashPoints = points;
        votes.executor = inline;
        votes.json = json;

        PhaseTwo phaseTwo = new PhaseTwo();
        phaseTwo.log = log;
        phaseTwo.calls = calls;
        phaseTwo.executor = inline;
        phaseTwo.crashPoints = points;
        phaseTwo.metrics = metrics;

        s.twoPhase = new TwoPhaseCommit();
        s.twoPhase.log = log;
        s.twoPhase.calls = calls;
        s.twoPhase.votes = votes;
        s.twoPhase.phaseTwo = phaseTwo;
        s.twoPhase.inFlight = inFlight;
        s.twoPhase.crashPoints = points;

        s.threePhase = new ThreePhaseCommit();
        s.threePhase.log = log;
        s.threePhase.calls = calls;
        s.threePhase.votes = votes;
        s.threePhase.phaseTwo = phaseTwo;
        s.threePhase.inFlight = inFlight;
        s.threePhase.crashPoints = points;
        s.threePhase.config = config();
        s.threePhase.executor = inline;

        s.recovery = new Recovery();
        s.recovery.log = log;
        s.recovery.phaseTwo = phaseTwo;
        s.recovery.threePhase = s.threePhase;
        s.recovery.inFlight = inFlight;
        s.recovery.executor = inline;
        s.recovery.metrics = metrics;
        s.recovery.node = new NodeIdentity(config());
        return s;
    }

    private static CoordinatorConfig config() {
        return (CoordinatorConfig) Proxy.newProxyInstance(CoordinatorConfig.class.getClassLoader(),
                new Class<?>[] {CoordinatorConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "url" -> "http://coordinator";
                    case "nodeId" -> Optional.of(NODE);
                    case "callTimeout" -> Duration.ofSeconds(1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** One process's services. */
    private static final class Services {
        TwoPhaseCommit twoPhase;
        ThreePhaseCommit threePhase;
        Recovery recovery;
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

    static Map<String, Boolean> votes(boolean inventory, boolean payment) {
        Map<String, Boolean> v = new LinkedHashMap<>();
        v.put("inventory", inventory);
        v.put("payment", payment);
        return v;
    }
}
