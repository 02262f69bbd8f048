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
 * crash point the load reaches, in a seeded order at seeded moments ({@link #schedule}); each is restarted,
 * and the time until everything it left in doubt has ended is measured. A planned fault that is not reached
 * fails the campaign. After each round the load stops and the checker runs.
 */
final class CrashCampaign implements Campaign {
    /** Named crash points by service, as the services declare them. */
    static final Map<String, List<String>> CRASH_POINTS = Map.of(
            Stack.COORDINATOR, List.of("before-prepare", "after-first-prepare", "after-votes", "after-decision",
                    "after-first-commit", "after-first-precommit", "after-precommits", "after-first-docommit"),
            Stack.INVENTORY, List.of("after-prepare", "before-precommit", "before-commit", "after-saga-effect"),
            Stack.PAYMENT, List.of("after-prepare", "before-precommit", "before-commit", "after-saga-effect"),
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

    /** Participant and coordinator points that only some protocols reach (the orchestrator's need sagas). */
    private static final Map<String, List<String>> ONLY_FOR = Map.of(
            "after-prepare", List.of("2pc", "3pc"),
            "before-commit", List.of("2pc", "3pc"),
            "after-first-commit", List.of("2pc"),
            "after-first-precommit", List.of("3pc"),
            "after-precommits", List.of("3pc"),
            "after-first-docommit", List.of("3pc"),
            "before-precommit", List.of("3pc"));
    private static final List<String> ATOMIC = List.of("2pc", "3pc");

    /**
     * Every fault the load can meet, in an order the seed decides, taken in turn from five groups: the
     * coordinator's crash points, the participants' crash points, kills of the services, the saga orchestrator's
     * crash points, kills of the servers they stand on. However few faults a run asks for, the first ones reach
     * the coordinator, the participants and the kills.
     */
    static List<Fault> schedule(long seed, List<String> protocols) {
        Random random = new Random(seed);
        boolean atomic = protocols.stream().anyMatch(ATOMIC::contains);
        boolean sagas = protocols.stream().anyMatch(p -> !ATOMIC.contains(p));
        List<List<Fault>> groups = new ArrayList<>();
        groups.add(atomic ? points(Stack.COORDINATOR, protocols) : List.of());
        List<Fault> participantPoints = new ArrayList<>(points(Stack.INVENTORY, protocols));
        participantPoints.addAll(points(Stack.PAYMENT, protocols));
        groups.add(participantPoints);
        groups.add(KILL_TARGETS.stream().filter(t -> !t.startsWith("postgres") && !t.equals(Stack.KAFKA))
                .map(t -> new Fault(t, null)).toList());
        groups.add(sagas ? points(Stack.SAGA_ORCHESTRATOR, protocols) : List.of());
        groups.add(KILL_TARGETS.stream().filter(t -> t.startsWith("postgres") || t.equals(Stack.KAFKA))
                .map(t -> new Fault(t, null)).toList());
        List<List<Fault>> shuffled = new ArrayList<>();
        for (List<Fault> g : groups) {
            List<Fault> copy = new ArrayList<>(g);
            Collections.shuffle(copy, random);
            shuffled.add(copy);
        }
        List<Fault> all = new ArrayList<>();
        for (int i = 0; all.size() < shuffled.stream().mapToInt(List::size).sum(); i++) {
            for (List<Fault> g : shuffled) {
                if (i < g.size()) {
                    all.add(g.get(i));
                }
            }
        }
        return all;
    }

    /**
     * A service's crash points that the load's protocols reach (saga points only when sagas run).
     * {@code before-compensation} is left out: it needs a saga that compensates, which this load (funded accounts,
     * stock enough) makes only by accident; SagaIT crashes the orchestrator there.
     */
    private static List<Fault> points(String service, List<String> protocols) {
        boolean sagas = protocols.stream().anyMatch(p -> !ATOMIC.contains(p));
        return CRASH_POINTS.get(service).stream()
                .filter(p -> !p.equals("before-compensation"))
                .filter(p -> !p.equals("after-saga-effect") || sagas)
                .filter(p -> !ONLY_FOR.containsKey(p) || ONLY_FOR.get(p).stream().anyMatch(protocols::contains))
                .map(p -> new Fault(service, p)).toList();
    }

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Random random = new Random(settings.seed());
        List<Fault> schedule = schedule(settings.seed(), settings.protocols());
        int[] next = {0};
        Rounds rounds = new Rounds(stack, settings, progress);
        return rounds.runAll(round -> {
            Faults faults = round.faults();
            int injected = 0;
            for (int f = 0; f < settings.faults(); f++) {
                Sleeper.pause(Rounds.spacing(random));
                faults.reviveAll();
                Fault fault = schedule.get(next[0]++ % schedule.size());
                if (!fault.inject(faults)) { // a planned fault that did not happen tested nothing: say so, and fail
                    rounds.problem("round " + round.number() + ": planned fault " + fault.describe() + " was not reached within "
                            + CRASH_PATIENCE.toSeconds() + " s");
                    continue;
                }
                injected++;
                rounds.restartAndMeasure(faults, fault.target(), fault.describe());
            }
            return injected;
        }).row(Name.CRASH);
    }
}
