package dev.pledge.coordinator.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.pledge.common.protocol.TerminationRule;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A deterministic simulation of coordinator processes ({@link SimProcess}) driving one transaction with the real
 * {@link Driver} (the protocols' functions) and {@link Recovery} code, over a
 * scripted network and scripted crashes. The log and the participants survive a crash; everything else is
 * built again on restart, as in a new process. Calls run on the calling thread, so a script always plays
 * out the same way.
 */
final class SimWorld {
    /** The coordinator replica of a simulation with one. */
    static final String NODE = "coordinator";
    enum Fault {
        DELIVER, LOSE_REQUEST, LOSE_REPLY
    }

    /**
     * What happens in one run: the protocol, each participant's vote, the fate of each call in order (then
     * all delivered), the crash points that halt the process when first reached, the operations (log
     * writes, reads and sends, counted from the start) before which it crashes, what the participants do
     * meanwhile, and whether its database crashes with it (losing the log's writes since the last forced one).
     */
    record Script(Protocol protocol, Map<String, Boolean> votes, List<Fault> faults, Set<String> crashPoints,
            Set<Integer> crashBeforeOperation, Participants participants, boolean databaseCrashes) {
    }

    /**
     * What the participants do in a run. {@code terminate}: 3PC participants run their termination protocol,
     * to its end while no coordinator answers, and, once a coordinator process has crashed (their failure
     * detectors lag behind its restart), one step of each branch before every coordinator operation listed in
     * {@code stepsBefore}, interleaved with its recovery; {@code order}'s bits choose which branch steps first.
     * Each of {@code crashes} takes a participant down before a coordinator operation and back up some
     * operations later (or at the next recovery pass, should the run get there first).
     */
    record Participants(boolean terminate, Set<Integer> stepsBefore, long order, List<Crash> crashes) {
        static final Participants QUIET = new Participants(false, Set.of(), 0, List.of());
    }

    /** A participant's process down before coordinator operation {@code before}, for {@code downFor} operations. */
    record Crash(String participant, int before, int downFor) {
    }

    private static final int MAX_RECOVERY_PASSES = 60;
    /** The recovery pass from which a participant still down is restarted, whatever its plan said. */
    static final int RESTART_PASS = 6;
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
    /** Shared by every process of the run, as Prometheus would sum a counter over restarts. */
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private SimProcess running;
    /** How a run with two replicas freezes one; null in a run with one. */
    private Pauses pauses;
    private int operations;
    private int crashes;

    SimWorld(Script script) {
        this(script, TerminationRule::decide);
    }

    /** A world whose participants terminate by {@code rule}: the real one, or a broken one the checks must catch. */
    SimWorld(Script script, SimParticipants.Rule rule) {
        this.script = script;
        this.participants = new SimParticipants(script.votes(), rule);
        this.faults = new ArrayDeque<>(script.faults());
        this.crashPoints = new HashSet<>(script.crashPoints());
    }

    /** How a run with two replicas freezes a process instead of crashing it, and resumes it later. */
    interface Pauses {
        /** @return true once the process, frozen here, has been resumed; false to crash it instead */
        boolean freeze(SimProcess process);

        /** Before each operation of any process: may first resume a frozen one. */
        void beforeOperation(SimProcess process);

        /** Whether a process froze in this run. */
        boolean froze();
    }

    void pauses(Pauses p) {
        pauses = p;
    }

    SimpleMeterRegistry meters() {
        return meters;
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

    /**
     * Every fake operation passes here: it fails once the running process is down, or stops it as scripted
     * (a crash, or in a run with two replicas perhaps a freeze).
     */
    void alive(String where) {
        if (!running.up) {
            throw new SimulatedCrash(where + " (already down)");
        }
        if (pauses != null) {
            pauses.beforeOperation(running);
        }
        participantsBefore(++operations);
        if (script.crashBeforeOperation().contains(operations)) {
            stop(where);
        }
    }

    /** Before a coordinator operation: a participant may crash or restart, and terminations take a step. */
    private void participantsBefore(int operation) {
        Participants plan = script.participants();
        for (Crash c : plan.crashes()) {
            if (operation == c.before()) {
                participants.crash(c.participant());
            }
            if (operation == c.before() + c.downFor()) {
                participants.restart(c.participant());
            }
        }
        boolean lagging = plan.terminate() && script.protocol() == Protocol.THREE_PC && crashes > 0
                && (pauses == null || !pauses.froze()); // a frozen coordinator is a partition in disguise: left out
        if (lagging && plan.stepsBefore().contains(operation)) {
            List<String> gids = new ArrayList<>(participants.gids());
            if ((plan.order() >>> (operation % 64) & 1) == 1) {
                java.util.Collections.reverse(gids);
            }
            gids.forEach(participants::step);
        }
    }

    /** A crash point of the running process's code: it stops there the first time, if scripted. */
    void crashPoint(String point) {
        if (crashPoints.remove(point)) {
            stop(point);
        }
    }

    Fault nextFault() {
        return faults.isEmpty() ? Fault.DELIVER : faults.poll();
    }

    private void stop(String where) {
        if (pauses == null || !pauses.freeze(running)) {
            crash(where);
        }
    }

    private void crash(String where) {
        running.up = false;
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
        SimProcess s = boot(NODE);
        UUID id = survive(() -> first(s));
        if (id == null || !log.knows(id)) {
            id = log.entries.keySet().stream().findFirst().orElse(null);
        }
        if (id == null && !running.up) {
            restart(NODE); // the transaction is not in the log: its participants hear so when they ask
        }
        for (int pass = 0; id != null && pass < MAX_RECOVERY_PASSES; pass++) {
            if (!running.up) {
                restart(NODE);
            }
            if (!log.knows(id)) {
                return null; // a crash of the database lost its begin record (and the participants asked)
            }
            if (log.entry(id).state.isFinal()) {
                break;
            }
            if (pass >= RESTART_PASS) {
                participants.restartAll(); // a participant still down comes back in the end
            }
            survive(() -> running.recovery.scanOnce());
        }
        return id;
    }

    /** Runs the script's transaction in the process given. */
    UUID first(SimProcess process) {
        return process.run(script.protocol(), script.votes().keySet());
    }

    /**
     * A new process under a node id: nothing of the old one's memory is left, and it adopts the unfinished
     * transactions the old one owned under a new epoch, as it takes its lease. While it was down, 3PC
     * participants may have terminated; once it is up, participants holding a prepared branch of a
     * transaction the log does not know ask, and abort it (presumed abort).
     */
    SimProcess restart(String node) {
        coordinatorUnreachable();
        SimProcess s = boot(node);
        log.adopt(node);
        participants.inquire(log::knows);
        return s;
    }

    /** While no coordinator answers, 3PC participants may run their termination protocol, as scripted. */
    void coordinatorUnreachable() {
        if (script.participants().terminate() && script.protocol() == Protocol.THREE_PC) {
            participants.terminate(participants.gids(), script.participants().order());
        }
    }

    /** Starts a process under a node id; it runs from now on (see {@link #runAs}). */
    SimProcess boot(String node) {
        running = new SimProcess(this, node);
        return running;
    }

    /** The process whose operations come next. */
    void runAs(SimProcess process) {
        running = process;
    }

    /** The node id of the process running now. */
    String node() {
        return running.node;
    }

    /** Runs one piece of the process running now; a crash ends it quietly, anything else is a failure of the code. */
    <T> T survive(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException | SimulatedCrash e) {
            if (running.up) {
                throw e;
            }
            return null;
        }
    }

    static Map<String, Boolean> votes(boolean inventory, boolean payment) {
        Map<String, Boolean> v = new LinkedHashMap<>();
        v.put("inventory", inventory);
        v.put("payment", payment);
        return v;
    }
}
