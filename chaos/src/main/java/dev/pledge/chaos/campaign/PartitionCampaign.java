package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import dev.pledge.chaos.check.CheckResult;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.net.Partition;
import dev.pledge.chaos.workload.Load;
import dev.pledge.stack.Processes;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * Network partitions. Inventory runs in a network namespace of its own and is cut off from the coordinator,
 * payment and Kafka (keeping its own database) and healed again:
 * <ol>
 *   <li>at a chosen moment, once per protocol: the coordinator pauses right after logging its decision, the
 *       cut falls, and the coordinator halts once payment has acknowledged the next message. 2PC must keep
 *       inventory's branch prepared, holding its locks, until healing and then commit it; 3PC's termination
 *       protocol commits payment's side and aborts inventory's, the split docs/model/three-phase-partition.trail
 *       shows, and the coordinator ends the transaction MIXED;</li>
 *   <li>at random moments under load, cut alone and cut with a coordinator crash, for each protocol: the
 *       checker counts split outcomes against the orders in flight at each cut, and the prepared branches
 *       inventory still holds when the cut heals (blocked).</li>
 * </ol>
 * A split is the expected finding only for 3PC with a coordinator crash; anywhere else it fails the campaign.
 */
final class PartitionCampaign implements Campaign {
    static final List<String> PROTOCOLS = List.of("2pc", "3pc");
    /** Long enough to cut the link while the coordinator waits between its decision and sending it. */
    static final Duration DECISION_PAUSE = Duration.ofSeconds(4);
    /** How long each cut lasts: well past 3PC's termination (3 s wait plus the failure detector's suspicion). */
    static final Duration CUT = Duration.ofSeconds(12);
    /** When, within a cut, a crashed coordinator is started again: after 3PC's participants have decided alone. */
    static final Duration COORDINATOR_DOWN = Duration.ofSeconds(6);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    enum Kind {
        CUT("cut alone"), CUT_AND_CRASH("cut + coordinator crash");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** What the random cuts of one protocol and kind added up to. */
    private static final class Tally {
        int cuts;
        int inFlight;
        int splits;
        int held;
    }

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        String unavailable = Partition.unavailable().orElse(null);
        if (unavailable != null) {
            throw new CannotRun(unavailable);
        }
        List<String> protocols = settings.protocols().stream().filter(PROTOCOLS::contains).toList();
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("the partitions campaign cuts 2PC and 3PC transactions: name 2pc or 3pc in the protocols");
        }
        Rounds rounds = new Rounds(stack, settings, progress);
        QuarkusService host = stack.service(Stack.INVENTORY);
        try (Partition partition = Partition.create(Stack.INVENTORY, host.port(), stack.postgres(Stack.PG_INVENTORY).port(),
                progress)) {
            QuarkusService isolated = host.inNetworkNamespace(partition.namespace());
            Thread restore = new Thread(() -> moveBack(partition, isolated, host, line -> { }), "restore-inventory");
            Runtime.getRuntime().addShutdownHook(restore);
            try {
                progress.accept("restarting inventory inside " + partition.namespace());
                Faults.swap(host, isolated, progress);
                new Schedules(stack, settings, rounds, partition, progress).runAll(protocols);
            } finally {
                progress.accept("restarting inventory on the host's network");
                moveBack(partition, isolated, host, progress);
                Runtime.getRuntime().removeShutdownHook(restore);
            }
        }
        return rounds.row(Name.PARTITIONS);
    }

    /** Stops inventory in its namespace, removes the namespace (and so the redirection of its port), starts it on the host. */
    private static void moveBack(Partition partition, QuarkusService isolated, QuarkusService host, Consumer<String> progress) {
        partition.heal();
        isolated.stop(Duration.ofSeconds(20));
        partition.close();
        Faults.swap(isolated, host, progress);
    }

    /** The campaign's rounds, in order: one chosen cut per protocol, then the random cuts. */
    private static final class Schedules {
        private final Stack stack;
        private final Settings settings;
        private final Rounds rounds;
        private final Partition partition;
        private final Consumer<String> progress;
        private final Databases db;
        private final Random random;
        private final Map<String, Tally> tallies = new LinkedHashMap<>();
        private int round;

        Schedules(Stack stack, Settings settings, Rounds rounds, Partition partition, Consumer<String> progress) {
            this.stack = stack;
            this.settings = settings;
            this.rounds = rounds;
            this.partition = partition;
            this.progress = progress;
            this.db = Databases.of(stack);
            this.random = new Random(settings.seed());
        }

        void runAll(List<String> protocols) throws Exception {
            for (String protocol : protocols) {
                ChosenCut chosen = new ChosenCut(stack, rounds, partition, db, protocol, random, progress);
                rounds.run(++round, new Rounds.Plan(List.of(protocol), 0, protocol.equals("3pc")), chosen::inject);
                chosen.judge();
            }
            for (int r = 0; r < settings.rounds(); r++) {
                for (String protocol : protocols) {
                    for (Kind kind : Kind.values()) {
                        randomCuts(protocol, kind);
                    }
                }
            }
            tallies.forEach((key, t) -> rounds.finding(String.format(Locale.ROOT,
                    "%s: %d cuts with %d orders in flight: %d split (%s); %d prepared branches still held by inventory"
                            + " when a cut healed", key, t.cuts, t.inFlight, t.splits,
                    t.inFlight == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * t.splits / t.inFlight), t.held)));
        }

        private void randomCuts(String protocol, Kind kind) throws Exception {
            Tally tally = tallies.computeIfAbsent(protocol + ", " + kind.label, k -> new Tally());
            boolean splitsExpected = protocol.equals("3pc") && kind == Kind.CUT_AND_CRASH;
            progress.accept(protocol + ", " + kind.label + ": " + settings.faults() + " cuts at random moments under "
                    + settings.clients() + " clients");
            CheckResult result = rounds.run(++round, new Rounds.Plan(List.of(protocol), settings.clients(), splitsExpected),
                    r -> {
                        int injected = 0;
                        for (int f = 0; f < settings.faults(); f++) {
                            Sleeper.pause(Rounds.spacing(random));
                            injected += cutOnce(r, kind, tally);
                        }
                        return injected;
                    });
            tally.splits += result.splits().size();
        }

        private int cutOnce(Rounds.Round r, Kind kind, Tally tally) throws Exception {
            int inFlight = r.load().inFlight();
            long t0 = System.nanoTime();
            partition.cut();
            boolean crash = kind == Kind.CUT_AND_CRASH;
            if (crash) {
                r.faults().kill(Stack.COORDINATOR);
            }
            progress.accept("  cut inventory off" + (crash ? " and killed the coordinator" : "") + " with " + inFlight
                    + " orders in flight");
            if (crash) {
                Rounds.sleepUntil(t0 + COORDINATOR_DOWN.toNanos());
                r.faults().restart(Stack.COORDINATOR);
            }
            Rounds.sleepUntil(t0 + CUT.toNanos());
            int held = PartitionReadings.preparedIn(db, Databases.Db.INVENTORY);
            partition.heal();
            progress.accept("  healed after " + CUT.toSeconds() + " s; inventory still held " + held + " prepared branches");
            rounds.measure("cut", "healing");
            tally.cuts++;
            tally.inFlight += inFlight;
            tally.held += held;
            return crash ? 2 : 1;
        }
    }

    /** One chosen cut: right after the coordinator logged its decision, with a crash after payment's acknowledgement. */
    private static final class ChosenCut {
        private final Stack stack;
        private final Rounds rounds;
        private final Partition partition;
        private final Databases db;
        private final String protocol;
        private final Random random;
        private final Consumer<String> progress;
        private String id;
        private String inventoryDuringCut;
        private String paymentDuringCut;

        ChosenCut(Stack stack, Rounds rounds, Partition partition, Databases db, String protocol, Random random,
                  Consumer<String> progress) {
            this.stack = stack;
            this.rounds = rounds;
            this.partition = partition;
            this.db = db;
            this.protocol = protocol;
            this.random = random;
            this.progress = progress;
        }

        int inject(Rounds.Round r) throws Exception {
            boolean threePhase = protocol.equals("3pc");
            String point = threePhase ? "after-first-precommit" : "after-first-commit";
            progress.accept(protocol + ", chosen moment: the coordinator pauses " + DECISION_PAUSE.toSeconds()
                    + " s after logging its decision, inventory is cut off, and the coordinator halts at " + point);
            Faults faults = r.faults();
            // inventory was restarted inside its namespace: until the coordinator's heartbeats reach it there, the
            // coordinator suspects it and refuses the order before any decision
            if (!PartitionReadings.awaitTrusted(stack.service(Stack.COORDINATOR).baseUrl(), Stack.INVENTORY, PATIENCE)) {
                rounds.problem(protocol + ", chosen moment: the coordinator still suspects inventory after "
                        + PATIENCE.toSeconds() + " s (GET /participants)");
                return 0;
            }
            long pid = stack.service(Stack.COORDINATOR).runningPid().orElseThrow();
            java.util.Set<String> earlier = PartitionReadings.transactionIds(db);
            faults.pauseAt(Stack.COORDINATOR, "after-decision", DECISION_PAUSE);
            faults.arm(Stack.COORDINATOR, point);
            Thread client = new Thread(() -> r.orders().place(0, Load.order(protocol, random)), "chosen-cut-client");
            client.start();
            id = PartitionReadings.awaitDecided(db, earlier, threePhase ? "PRECOMMITTING" : "COMMITTING", PATIENCE);
            if (id == null) {
                rounds.problem(protocol + ", chosen moment: no transaction reached its decision within " + PATIENCE.toSeconds() + " s");
                faults.disarm(Stack.COORDINATOR);
                client.join();
                return 0;
            }
            long t0 = System.nanoTime();
            partition.cut();
            progress.accept("  cut inventory off right after " + id + " logged its decision");
            if (!Processes.awaitExit(pid, PATIENCE)) {
                rounds.problem(protocol + ", chosen moment: the coordinator did not halt at " + point);
                faults.disarm(Stack.COORDINATOR);
            }
            if (threePhase) {
                // both sides decide alone: payment pre-committed, inventory merely prepared
                PartitionReadings.awaitBranchesFinal(db, id, PATIENCE);
            }
            faults.restart(Stack.COORDINATOR);
            Rounds.sleepUntil(t0 + CUT.toNanos());
            inventoryDuringCut = PartitionReadings.branchState(db, Databases.Db.INVENTORY, id + ".inventory");
            paymentDuringCut = PartitionReadings.branchState(db, Databases.Db.PAYMENT, id + ".payment");
            partition.heal();
            progress.accept("  at the end of the " + CUT.toSeconds() + " s cut: inventory " + inventoryDuringCut + ", payment "
                    + paymentDuringCut + "; healed");
            rounds.measure("chosen cut", "healing");
            client.join();
            return 2;
        }

        /** After the round's check: what this protocol must show. */
        void judge() throws Exception {
            if (id == null) {
                return;
            }
            String logged = PartitionReadings.loggedState(db, id);
            if (protocol.equals("2pc")) {
                boolean blocked = "PREPARED".equals(inventoryDuringCut) && "COMMITTED".equals(paymentDuringCut);
                if (blocked && "COMMITTED".equals(logged)) {
                    rounds.finding("2pc, chosen moment: inventory held its prepared branch (and its row locks) through the "
                            + CUT.toSeconds() + " s cut while payment had committed; after healing the coordinator committed"
                            + " it too: atomic, blocked until healing");
                } else {
                    rounds.problem("2pc, chosen moment: expected inventory PREPARED and payment COMMITTED during the cut and"
                            + " COMMITTED in the log; saw " + inventoryDuringCut + ", " + paymentDuringCut + ", " + logged);
                }
            } else {
                boolean split = "ABORTED".equals(inventoryDuringCut) && "COMMITTED".equals(paymentDuringCut);
                if (split && "MIXED".equals(logged)) {
                    rounds.finding("3pc, chosen moment: payment, pre-committed, committed by its termination protocol; inventory,"
                            + " only prepared, aborted by its own: atomicity broken, as docs/model/three-phase-partition.trail"
                            + " predicts; the coordinator ended it MIXED");
                } else {
                    rounds.problem("3pc, chosen moment: expected inventory ABORTED, payment COMMITTED and MIXED in the log;"
                            + " saw " + inventoryDuringCut + ", " + paymentDuringCut + ", " + logged);
                }
            }
        }
    }
}
