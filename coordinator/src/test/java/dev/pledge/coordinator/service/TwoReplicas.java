package dev.pledge.coordinator.service;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import dev.pledge.common.protocol.TerminationRule;

import dev.pledge.coordinator.log.TakenOver;
import dev.pledge.coordinator.service.SimWorld.Script;

/**
 * Two coordinator replicas sharing the simulation's log. Replica A begins and runs the transaction until the
 * script's first stop, where it crashes or, when the plan says so, freezes like a paused process whose lease
 * expired. Replica B then takes A's unfinished transactions over under the next epoch (as
 * {@code Replicas.takeOverOnce} does) and recovers them; a later scripted stop crashes B, which restarts. A
 * frozen A resumes its remaining steps before B's operation number {@code resumeAfter} (or once B is done),
 * on its own thread while B waits, so a run still plays out the same way every time. After that A is gone,
 * and B takes over whatever A still owns.
 */
final class TwoReplicas implements SimWorld.Pauses {
    static final String A = "replica-a";
    static final String B = "replica-b";
    private static final int MAX_PASSES = 60;

    /** How A's run first stopped. */
    enum Stop {
        FROZE, CRASHED, NEVER
    }

    /** How A ends its run. */
    enum End {
        RETURNED, REFUSED_BY_THE_LOG, CRASHED, LOST_BY_THE_LOG
    }

    /** The script (its first stop halts A); whether A freezes there; before which of B's operations it resumes. */
    record Plan(Script script, boolean freezes, int resumeAfter) {
    }

    private final Plan plan;
    private final SimWorld world;
    /** A's thread waits on this while frozen, B on the other while A runs. */
    private final Semaphore toA = new Semaphore(0);
    private final Semaphore toB = new Semaphore(0);
    private SimProcess a;
    private boolean froze;
    private boolean frozen;
    private int operationsOfB;
    private Stop stop;
    private End end;
    private RuntimeException failure;

    TwoReplicas(Plan plan) {
        this(plan, TerminationRule::decide);
    }

    /**
     * A frozen replica whose participants terminate meanwhile is a partition in disguise: it may resume and
     * pre-commit a branch whose peer has aborted. With a participant crash on top, that peer may not answer
     * the pre-committed one, which then commits alone, as across a cut (the model's PEERLOSS shows it). So a
     * run whose replica freezes keeps its participants up; crashes of participants come with crashes of
     * replicas only.
     */
    TwoReplicas(Plan plan, SimParticipants.Rule rule) {
        this.plan = plan;
        Script s = plan.script();
        Script script = !plan.freezes() ? s : new Script(s.protocol(), s.votes(), s.faults(), s.crashPoints(),
                s.crashBeforeOperation(), new SimWorld.Participants(s.participants().terminate(),
                        s.participants().stepsBefore(), s.participants().order(), List.of()), s.databaseCrashes());
        this.world = new SimWorld(script, rule);
        world.pauses(this);
    }

    SimWorld world() {
        return world;
    }

    /** An exception A's run ended with other than a crash or the log's refusal: a failure of the code. */
    RuntimeException failure() {
        return failure;
    }

    End end() {
        return end;
    }

    Stop stop() {
        return stop;
    }

    /** @return the transaction's id, or null when the log has none (lost with its begin record, or never begun) */
    UUID play() {
        a = world.boot(A);
        Thread thread = new Thread(this::runA, "replica-a");
        thread.setDaemon(true);
        thread.start();
        toB.acquireUninterruptibly(); // A ended, or froze
        stop = frozen ? Stop.FROZE : a.up ? Stop.NEVER : Stop.CRASHED;
        try {
            SimProcess b = world.restart(B);
            for (int pass = 0; pass < MAX_PASSES && (frozen || !allFinal()); pass++) {
                if (frozen && allFinal()) {
                    resumeA(b);
                    continue;
                }
                if (!b.up) {
                    b = world.restart(B);
                }
                if (pass >= SimWorld.RESTART_PASS) {
                    world.participants().restartAll(); // a participant still down comes back in the end
                }
                world.participants().inquire(world.log()::knows); // as they do while a branch stays prepared
                SimProcess now = b;
                world.survive(() -> {
                    now.recovery.takeOver(world.log().takeOver(A, B));
                    return now.recovery.scanOnce();
                });
            }
            world.participants().inquire(world.log()::knows); // a branch of a transaction the log lost since
        } finally {
            if (frozen) { // the run failed with A frozen: its thread ends at once
                a.up = false;
                toA.release();
            }
        }
        return world.log().entries.keySet().stream().findFirst().orElse(null);
    }

    private boolean allFinal() {
        return world.log().entries.values().stream().allMatch(e -> e.state.isFinal());
    }

    private void runA() {
        try {
            world.first(a);
            end = End.RETURNED;
        } catch (RuntimeException | SimulatedCrash e) {
            if (!a.up) {
                end = End.CRASHED; // perhaps wrapped, by a CompletableFuture it crashed in
            } else if (e instanceof TakenOver) {
                end = End.REFUSED_BY_THE_LOG;
            } else if (world.log().entries.isEmpty()) {
                end = End.LOST_BY_THE_LOG; // a crash of the database lost its begin record while it was frozen
            } else {
                failure = (RuntimeException) e;
            }
        } finally {
            toB.release();
        }
    }

    /** Lets the frozen A run its remaining steps to the end, then hands back to B. */
    private void resumeA(SimProcess b) {
        world.runAs(a);
        toA.release();
        toB.acquireUninterruptibly(); // A's run ended
        world.runAs(b);
    }

    @Override
    public boolean freeze(SimProcess process) {
        if (process != a || !plan.freezes() || froze) {
            return false;
        }
        froze = true;
        frozen = true;
        toB.release();
        toA.acquireUninterruptibly();
        frozen = false;
        if (!a.up) {
            throw new SimulatedCrash("abandoned while frozen");
        }
        return true;
    }

    @Override
    public boolean froze() {
        return froze;
    }

    @Override
    public void beforeOperation(SimProcess process) {
        if (B.equals(process.node) && ++operationsOfB == plan.resumeAfter() && frozen) {
            resumeA(process);
        }
    }
}
