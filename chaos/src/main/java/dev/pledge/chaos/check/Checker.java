package dev.pledge.chaos.check;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.pledge.chaos.check.Snapshot.Effect;
import dev.pledge.chaos.check.Snapshot.Reservation;
import dev.pledge.chaos.history.History;
import dev.pledge.chaos.history.Op;
import dev.pledge.stack.Sleeper;

/**
 * The independent checker. It compares two readings of the databases, taken while the system was quiet
 * (before a run and after it), with the history of what clients were told:
 * <ul>
 *   <li>atomicity: the same transactions committed in inventory and in payment, and in the coordinator's
 *       log; every finished saga's effects match its outcome;</li>
 *   <li>conservation, per product and per account: what was there, minus what committed transactions
 *       and sagas took, is what is there now, and nothing is negative. An effect taken twice leaves an
 *       item short, so this also checks that each operation took effect at most once;</li>
 *   <li>the history: an order reported committed did commit, one reported aborted left nothing, and no
 *       more orders took effect than the clients were told about or could not tell;</li>
 *   <li>nothing in doubt: no prepared transaction, unfinished transaction or saga once quiet.</li>
 * </ul>
 */
public final class Checker {
    private Checker() {
    }

    /** Polls until nothing is prepared or unfinished, or {@code deadline} passes; returns the last reading. */
    public static Snapshot awaitQuiet(Databases db, Duration deadline, Consumer<String> progress) throws SQLException {
        long end = System.nanoTime() + deadline.toNanos();
        Snapshot s = read(db, end);
        boolean quietBefore = false;
        long lastReport = 0;
        // quiet twice in a row, so the reading returned was taken wholly after the system went quiet
        while (!(quietBefore && quiet(s)) && System.nanoTime() < end) {
            quietBefore = quiet(s);
            if (!quietBefore && System.nanoTime() - lastReport > 5_000_000_000L) {
                progress.accept("waiting for " + s.unfinished().size() + " unfinished and " + s.prepared()
                        + " prepared to resolve");
                lastReport = System.nanoTime();
            }
            pause(quietBefore ? 0 : 250);
            s = read(db, end);
        }
        return s;
    }

    private static boolean quiet(Snapshot s) {
        return s.prepared() == 0 && s.unfinished().isEmpty();
    }

    /**
     * Reads the databases; one restarting under a campaign refuses connections for a moment, so this reads
     * again until {@code end} ({@link System#nanoTime()}).
     */
    public static Snapshot read(Databases db, long end) throws SQLException {
        while (true) {
            try {
                return Snapshot.read(db);
            } catch (SQLException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                pause(500);
            }
        }
    }

    public static CheckResult check(Snapshot before, Snapshot after, History history) {
        List<String> atomicity = new ArrayList<>();
        List<String> conservation = new ArrayList<>();
        List<String> historyProblems = new ArrayList<>();
        List<String> inDoubt = new ArrayList<>();

        List<String> splits = new ArrayList<>();
        atomicity.addAll(atomicCommits(before, after, splits));
        atomicity.addAll(sagaOutcomes(after, id -> !isFinalSaga(before.sagas().get(id))));

        conserveStock(before, after, conservation);
        conserveMoney(before, after, conservation);

        checkHistory(before, after, history, historyProblems);

        if (after.prepared() > 0) {
            inDoubt.add(after.prepared() + " prepared transactions remain");
        }
        new TreeSet<>(after.unfinished()).forEach(id -> inDoubt.add("unfinished after the deadline: " + id));
        long committed = newIds(before.coordinator(), after.coordinator(), "COMMITTED")
                + newIds(before.sagas(), after.sagas(), "COMPLETED");
        long aborted = newIds(before.coordinator(), after.coordinator(), "ABORTED")
                + newIds(before.sagas(), after.sagas(), "COMPENSATED");
        return new CheckResult(committed, aborted, atomicity, conservation, historyProblems, inDoubt,
                after.prepared() + after.unfinished().size(), splits);
    }

    /**
     * Two- and three-phase transactions that ended, or changed, since the baseline: each committed in both
     * participants or in neither, as its logged decision says. A decision is read from the log's state:
     * COMMITTING or COMMITTED against ABORTING or ABORTED, so a split outcome whose last phase can never
     * finish (a participant refusing the other decision) is caught too.
     */
    private static List<String> atomicCommits(Snapshot before, Snapshot after, List<String> splits) {
        Set<String> ids = new TreeSet<>(union(after.inventoryCommitted().keySet(), after.paymentCommitted().keySet()));
        ids.addAll(after.coordinator().keySet());
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            if (Snapshot.isFinalTx(before.coordinator().get(id))) {
                continue; // judged in an earlier round
            }
            boolean inv = after.inventoryCommitted().containsKey(id);
            boolean pay = after.paymentCommitted().containsKey(id);
            String logged = after.coordinator().getOrDefault(id, "missing");
            boolean commitDecided = logged.equals("COMMITTING") || logged.equals("COMMITTED");
            boolean abortDecided = logged.equals("ABORTING") || logged.equals("ABORTED");
            if (inv != pay) {
                String split = id + " committed in " + (inv ? "inventory" : "payment") + " only (log: " + logged + ")";
                problems.add(split);
                splits.add(split);
            } else if (inv && abortDecided) {
                problems.add(id + " committed by both participants but " + logged + " in the log");
            } else if (commitDecided && after.abortedBranches().contains(id)) {
                problems.add(id + " " + logged + " in the log but a participant aborted it");
            } else if (inv && !commitDecided && !logged.equals("PRECOMMITTING")) {
                problems.add(id + " committed by the participants but " + logged + " in the log");
            }
        }
        return problems;
    }

    private static boolean isFinalSaga(String state) {
        return "COMPLETED".equals(state) || "COMPENSATED".equals(state);
    }

    /** Each finished saga's effects against its outcome: all of them when COMPLETED, none when COMPENSATED. */
    public static List<String> sagaOutcomes(Snapshot s) {
        return sagaOutcomes(s, id -> true);
    }

    private static List<String> sagaOutcomes(Snapshot s, java.util.function.Predicate<String> judge) {
        List<String> problems = new ArrayList<>();
        s.sagas().forEach((id, state) -> {
            if (!judge.test(id)) {
                return;
            }
            Reservation r = s.reservations().get(id);
            boolean held = r != null && r.held();
            boolean charged = s.sagaCharges().containsKey(id);
            if (state.equals("COMPLETED") && !(r != null && r.status().equals("CONFIRMED") && charged)) {
                problems.add("saga " + id + " COMPLETED but its reservation is " + (r == null ? "missing" : r.status())
                        + (charged ? "" : " and nothing was charged"));
            }
            if (state.equals("COMPENSATED") && (held || charged)) {
                problems.add("saga " + id + " COMPENSATED but it still " + (held ? "holds stock" : "")
                        + (held && charged ? " and " : "") + (charged ? "keeps a charge" : ""));
            }
        });
        return problems;
    }

    private static void conserveStock(Snapshot before, Snapshot after, List<String> problems) {
        Map<String, BigDecimal> taken = new HashMap<>();
        addEffects(taken, after.inventoryCommitted(), 1);
        addEffects(taken, before.inventoryCommitted(), -1);
        addHeld(taken, after, 1);
        addHeld(taken, before, -1);
        for (Map.Entry<String, Integer> e : before.stock().entrySet()) {
            int now = after.stock().getOrDefault(e.getKey(), 0);
            BigDecimal expected = BigDecimal.valueOf(e.getValue()).subtract(taken.getOrDefault(e.getKey(), BigDecimal.ZERO));
            if (expected.compareTo(BigDecimal.valueOf(now)) != 0) {
                problems.add("stock of " + e.getKey() + ": " + e.getValue() + " before - "
                        + taken.getOrDefault(e.getKey(), BigDecimal.ZERO) + " taken = " + expected + ", but " + now + " now");
            }
            if (now < 0) {
                problems.add("stock of " + e.getKey() + " is negative: " + now);
            }
        }
    }

    private static void conserveMoney(Snapshot before, Snapshot after, List<String> problems) {
        Map<String, BigDecimal> charged = new HashMap<>();
        addEffects(charged, after.paymentCommitted(), 1);
        addEffects(charged, before.paymentCommitted(), -1);
        addEffects(charged, after.sagaCharges(), 1);
        addEffects(charged, before.sagaCharges(), -1);
        for (Map.Entry<String, BigDecimal> e : before.balances().entrySet()) {
            BigDecimal now = after.balances().getOrDefault(e.getKey(), BigDecimal.ZERO);
            BigDecimal expected = e.getValue().subtract(charged.getOrDefault(e.getKey(), BigDecimal.ZERO));
            if (expected.compareTo(now) != 0) {
                problems.add("balance of " + e.getKey() + ": " + e.getValue() + " before - "
                        + charged.getOrDefault(e.getKey(), BigDecimal.ZERO) + " charged = " + expected + ", but " + now + " now");
            }
            if (now.signum() < 0) {
                problems.add("balance of " + e.getKey() + " is negative: " + now);
            }
        }
    }

    private static void checkHistory(Snapshot before, Snapshot after, History history, List<String> problems) {
        Set<String> committed = after.inventoryCommitted().keySet();
        Set<String> completed = withState(after.sagas(), "COMPLETED");
        for (boolean sagas : new boolean[] {false, true}) {
            Set<String> done = sagas ? completed : committed;
            String what = sagas ? "saga" : "transaction";
            Set<String> okNotDone = minus(history.ids(Op.Type.OK, sagas), done);
            if (!okNotDone.isEmpty()) {
                problems.add(what + "s reported committed to the client but not committed: " + okNotDone);
            }
            Set<String> failButDone = new TreeSet<>(history.ids(Op.Type.FAIL, sagas));
            failButDone.retainAll(done);
            if (!failButDone.isEmpty()) {
                problems.add(what + "s reported aborted to the client but committed: " + failButDone);
            }
            Set<String> earlier = sagas ? withState(before.sagas(), "COMPLETED") : before.inventoryCommitted().keySet();
            Set<String> unexplained = minus(minus(done, earlier), history.ids(Op.Type.OK, sagas));
            unexplained.removeAll(history.ids(Op.Type.UNKNOWN, sagas));
            unexplained.removeAll(before.unfinished()); // begun before the baseline, by no client of this run
            long anonymousUnknown = history.unknown(sagas) - history.ids(Op.Type.UNKNOWN, sagas).size();
            if (unexplained.size() > anonymousUnknown) {
                problems.add(unexplained.size() + " " + what + "s took effect that no client was told about (only "
                        + anonymousUnknown + " outcomes unknown)");
            }
        }
    }

    private static void addEffects(Map<String, BigDecimal> into, Map<String, Effect> effects, int sign) {
        effects.values().forEach(e -> into.merge(e.item(), sign > 0 ? e.amount() : e.amount().negate(), BigDecimal::add));
    }

    private static void addHeld(Map<String, BigDecimal> into, Snapshot s, int sign) {
        s.reservations().values().stream().filter(Reservation::held)
                .forEach(r -> into.merge(r.sku(), BigDecimal.valueOf((long) sign * r.qty()), BigDecimal::add));
    }

    private static long newIds(Map<String, String> before, Map<String, String> after, String state) {
        return after.entrySet().stream().filter(e -> e.getValue().equals(state) && !state.equals(before.get(e.getKey())))
                .count();
    }

    private static Set<String> withState(Map<String, String> states, String state) {
        return states.entrySet().stream().filter(e -> e.getValue().equals(state)).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static void pause(long millis) {
        Sleeper.pause(Duration.ofMillis(millis));
    }
}
