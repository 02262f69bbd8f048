package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * Crashes that 3PC's termination protocol must live through, with no partition: under 3PC load, the
 * coordinator halts at a crash point of 3PC the seed chooses and is restarted 0-5 s later; meanwhile a
 * participant the seed chooses is killed (SIGKILL) and restarted 0-10 s after that, so it may come back while
 * its peer is terminating, or while the coordinator recovers. The checker then demands what it always demands:
 * one outcome on both participants, the coordinator's log agreeing, stock and money conserved, nothing left in
 * doubt. No split is excused here.
 */
final class ThreePhaseCrashCampaign implements Campaign {
    /** The coordinator's crash points that a 3PC transaction passes. */
    static final List<String> POINTS = List.of("before-prepare", "after-first-prepare", "after-votes", "after-decision",
            "after-first-precommit", "after-precommits", "after-first-docommit");
    private static final List<String> PARTICIPANTS = List.of(Stack.INVENTORY, Stack.PAYMENT);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Random random = new Random(settings.seed());
        Rounds rounds = new Rounds(stack, settings, progress);
        for (int r = 1; r <= settings.rounds(); r++) {
            rounds.run(r, new Rounds.Plan(List.of("3pc"), settings.clients(), false), round -> {
                int injected = 0;
                for (int f = 0; f < settings.faults(); f++) {
                    Sleeper.pause(Rounds.spacing(random));
                    round.faults().reviveAll();
                    injected += crashBoth(round, rounds, random, progress);
                }
                return injected;
            });
        }
        return rounds.row(Name.THREE_PC_CRASHES);
    }

    /** One episode: the coordinator halted at a point, a participant killed while it is down; both restarted. */
    private static int crashBoth(Rounds.Round round, Rounds rounds, Random random, Consumer<String> progress)
            throws Exception {
        String point = POINTS.get(random.nextInt(POINTS.size()));
        String participant = PARTICIPANTS.get(random.nextInt(PARTICIPANTS.size()));
        long coordinatorDownMs = random.nextInt(5_001);
        long killAfterMs = random.nextInt((int) coordinatorDownMs + 1);
        long participantDownMs = random.nextInt(10_001);
        Faults faults = round.faults();
        if (!faults.crashAt(Stack.COORDINATOR, point, PATIENCE)) {
            rounds.problem("round " + round.number() + ": the coordinator did not reach " + point + " within "
                    + PATIENCE.toSeconds() + " s");
            return 0;
        }
        long halted = System.nanoTime();
        progress.accept(String.format("  coordinator halted at %s; %s is killed %d ms later and restarted %d ms after"
                + " that; the coordinator restarts after %d ms", point, participant, killAfterMs, participantDownMs,
                coordinatorDownMs));
        Rounds.sleepUntil(halted + killAfterMs * 1_000_000);
        faults.kill(participant);
        long killed = System.nanoTime();
        CompletableFuture<Void> coordinatorBack = CompletableFuture.runAsync(() -> {
            Rounds.sleepUntil(halted + coordinatorDownMs * 1_000_000);
            faults.restart(Stack.COORDINATOR);
        });
        CompletableFuture<Void> participantBack = CompletableFuture.runAsync(() -> {
            Rounds.sleepUntil(killed + participantDownMs * 1_000_000);
            faults.restart(participant);
        });
        CompletableFuture.allOf(coordinatorBack, participantBack).join();
        rounds.measure("coordinator at " + point + " and " + participant + " killed", "both restarts");
        return 2;
    }
}
