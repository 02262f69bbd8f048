package dev.pledge.cli;

import java.time.Duration;

import dev.pledge.stack.Stack;

/**
 * Chapter 2: the coordinator halted after the votes, under 2PC (the participants hold their rows until it
 * comes back) and under 3PC (they end the transaction by themselves while it is still down).
 */
final class BlockingChapter implements DemoChapter {
    /** How long the coordinator stays down under 2PC: long enough to see the second order wait. */
    private static final Duration HOLD_2PC = Duration.ofSeconds(5);
    /** Under 3PC it is restarted as soon as the participants have ended the order; this is the upper bound. */
    private static final Duration HOLD_3PC = Duration.ofSeconds(20);

    @Override
    public String name() {
        return "blocking";
    }

    @Override
    public String title() {
        return "kill the coordinator mid-commit: 2PC blocks, 3PC does not";
    }

    @Override
    public void run(Stack stack, DemoStory story, Undo undo) throws Exception {
        int replicas = (int) stack.replicas(Stack.COORDINATOR).stream().filter(r -> r.runningPid().isPresent()).count();
        story.expect("An order (1 x BOOK-001, " + OrderChapter.PRICE + " from acc-alice) reaches the point where both"
                        + " participants voted YES;",
                "there the coordinator halts (Runtime.halt at its crash point " + BlockingExperiment.CRASH_POINT
                        + "), before it logs a decision.",
                "Each participant holds a PostgreSQL prepared transaction with the order's rows locked. A second order"
                        + " for BOOK-001",
                "then asks inventory for the same row.",
                replicas > 1
                        ? "With " + replicas + " coordinator replicas, a surviving replica takes the order over once the"
                                + " crashed one's lease expires (under 3PC the participants may end it first)."
                        : "2PC: a participant that voted YES may not decide alone, so the rows stay locked until the"
                                + " coordinator is back: it blocks.",
                replicas > 1 ? "The crashed replica is restarted after that."
                        : "3PC: the participants ask each other, find that no one was pre-committed, and abort while the"
                                + " coordinator is still down.");
        for (String protocol : new String[] {"2pc", "3pc"}) {
            boolean twoPhase = protocol.equals("2pc");
            story.section((twoPhase ? "2PC" : "3PC") + ": the coordinator halts after the votes");
            BlockingExperiment experiment = new BlockingExperiment(stack, twoPhase ? HOLD_2PC : HOLD_3PC,
                    line -> story.say("  " + line), undo);
            BlockingReport r = (twoPhase ? experiment : experiment.restartingOnceResolved()).run(protocol);
            story.say("What happened:");
            story.say("  blocked:      " + r.blockedInWords());
            story.say("  second order: " + r.secondOrderInWords());
            story.say("  outcome:      " + r.outcome() + ", in both participants' databases");
            story.check(r.preparedWhileDown().size() == 2, "both participants held the order prepared while the coordinator"
                    + " was down (" + r.preparedWhileDown().size() + " prepared branches seen)");
            if (replicas > 1) {
                story.check(!r.blockedUntilRestart(), "ended before the crashed replica came back, by " + r.resolvedBy());
            } else if (twoPhase) {
                story.check(r.blockedUntilRestart(), "the rows stayed locked until the coordinator came back");
                story.check(r.secondOrderWaitedFor() == BlockingReport.WaitedFor.COORDINATOR_RESTART,
                        "the second order waited for the coordinator (" + r.secondOrderWaitedMs() + " ms)");
            } else {
                story.check(!r.blockedUntilRestart(), "the participants ended the order with the coordinator still down");
                story.check(r.secondOrderWaitedFor() == BlockingReport.WaitedFor.TERMINATION_PROTOCOL,
                        "the second order waited only for the termination protocol (" + r.secondOrderWaitedMs() + " ms)");
            }
            story.check(r.invariantsHold(), "atomicity and conservation hold, nothing is left prepared");
            if (!r.invariantsHold()) {
                r.invariants().forEach(i -> story.say("         " + i));
            }
        }
        story.more("./pledge experiment blocking --protocol 2pc    (the same, with --hold-seconds and --json)",
                "./pledge crash coordinator --at after-votes     (arm the crash point yourself, then ./pledge order)",
                "./pledge inspect                                (prepared transactions and the rows they lock)",
                "docs/protocol-3pc.md                            (why 3PC can end it, and what it pays under a partition)");
    }
}
