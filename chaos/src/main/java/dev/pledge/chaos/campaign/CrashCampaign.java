package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * Process crashes under concurrent load: SIGKILL of every kind of process (the coordinator, both
 * participants, the saga orchestrator, each PostgreSQL server, the Kafka broker) and a halt at every named
 * crash point, in a seeded order at seeded moments; each is restarted, and the time until everything it
 * left in doubt has ended is measured. After each round the load stops and the checker runs.
 */
final class CrashCampaign implements Campaign {
    /** Named crash points by service, as the services declare them. */
    static final Map<String, List<String>> CRASH_POINTS = Map.of(
            Stack.COORDINATOR, List.of("before-prepare", "after-first-prepare", "after-votes", "after-decision",
                    "after-first-commit", "after-first-precommit", "after-precommits", "after-first-docommit"),
            Stack.INVENTORY, List.of("after-prepare", "before-commit", "after-saga-effect"),
            Stack.PAYMENT, List.of("after-prepare", "before-commit", "after-saga-effect"),
            Stack.SAGA_ORCHESTRATOR, List.of("after-saga-start", "after-first-step", "before-compensation",
                    "before-reply-commit"));
    static final List<String> KILL_TARGETS = List.of(Stack.COORDINATOR, Stack.INVENTORY, Stack.PAYMENT,
            Stack.SAGA_ORCHESTRATOR, Stack.PG_COORDINATOR, Stack.PG_INVENTORY, Stack.PG_PAYMENT, Stack.PG_SAGA, Stack.KAFKA);
    static final Duration CRASH_PATIENCE = Duration.ofSeconds(10);

    /** One fault: a kill of {@code target}, or a halt of {@code target} at {@code point}. */
    record Fault(String target, String point) {
        String describe() {
            return point == null ? "kill -9 " + target : target + " at " + point;
        }

        /** Injects it; false when a crash point was not reached in time (it is then disarmed). */
        boolean inject(Faults faults) {
            if (point == null) {
                faults.kill(target);
                return true;
            }
            return faults.crashAt(target, point, CRASH_PATIENCE);
        }
    }

    /** Every fault the campaign knows, in an order the seed decides. */
    static List<Fault> schedule(long seed) {
        List<Fault> all = new ArrayList<>();
        KILL_TARGETS.forEach(t -> all.add(new Fault(t, null)));
        CRASH_POINTS.keySet().stream().sorted().forEach(s -> CRASH_POINTS.get(s).forEach(p -> all.add(new Fault(s, p))));
        Collections.shuffle(all, new Random(seed));
        return all;
    }

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Random random = new Random(settings.seed());
        List<Fault> schedule = schedule(settings.seed());
        int[] next = {0};
        Rounds rounds = new Rounds(stack, settings, progress);
        return rounds.runAll(round -> {
            Faults faults = round.faults();
            int injected = 0;
            for (int f = 0; f < settings.faults(); f++) {
                Sleeper.pause(Rounds.spacing(random));
                faults.reviveAll();
                Fault fault = schedule.get(next[0]++ % schedule.size());
                if (!fault.inject(faults)) {
                    progress.accept("  " + fault.describe() + ": not reached within " + CRASH_PATIENCE.toSeconds()
                            + " s, skipped");
                    continue;
                }
                injected++;
                rounds.restartAndMeasure(faults, fault.target(), fault.describe());
            }
            return injected;
        }).row(Name.CRASH);
    }
}
