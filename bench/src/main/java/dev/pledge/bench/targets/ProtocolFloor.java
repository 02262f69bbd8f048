package dev.pledge.bench.targets;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import dev.pledge.bench.BenchOrder;
import dev.pledge.bench.PerClient;
import dev.pledge.bench.Target;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;

/**
 * Floor (b): what a two-phase (or three-phase) commit of the order must do at the least, issued directly
 * over JDBC with no HTTP and no services. Each participant's update ends in PREPARE TRANSACTION, both in
 * parallel; one row in the coordinator's database records the decision; then COMMIT PREPARED on both in
 * parallel. The three-phase floor adds its pre-commit round between the decision and the commits: each
 * participant durably records the pre-commit (a local commit of one row), in parallel. When the clients share
 * accounts, two orders may want the same rows in both databases, and prepares in parallel could then wait for
 * each other across the two with no database to see it: the floor prepares in participant order instead
 * (inventory, then payment if inventory voted YES), as Pledge's {@code ordered} lock policy does.
 */
public final class ProtocolFloor implements Target {
    private record Connections(Connection inventory, Connection payment, Connection coordinator) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try (inventory; payment; coordinator) {
                // all closed
            }
        }
    }

    private final boolean threePhase;
    private final boolean ordered;
    private final PerClient<Connections> connections;
    /** The second participant's half of each parallel step. */
    private final ExecutorService other = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-floor-participant");
        t.setDaemon(true);
        return t;
    });

    /** @param ordered prepare in participant order, not in parallel (for rows that orders share in both databases) */
    public ProtocolFloor(Databases dbs, boolean threePhase, boolean ordered) {
        this.threePhase = threePhase;
        this.ordered = ordered;
        this.connections = new PerClient<>(() -> {
            Connection inventory = dbs.connect(Db.INVENTORY);
            Connection payment = null;
            try {
                payment = dbs.connect(Db.PAYMENT);
                Connections c = new Connections(inventory, payment, dbs.connect(Db.COORDINATOR));
                inventory.setAutoCommit(false);
                payment.setAutoCommit(false);
                return c;
            } catch (SQLException e) {
                try (inventory; Connection p = payment) {
                    throw e;
                }
            }
        });
    }

    @Override
    public String name() {
        return threePhase ? "3pc-floor" : "2pc-floor";
    }

    @Override
    public Kind kind() {
        return Kind.FLOOR;
    }

    @Override
    public Outcome order(BenchOrder order) throws Exception {
        Connections c = connections.get();
        String gid = "bench-" + order.gid();
        Supplier<Boolean> paymentPrepare = () -> prepare(c.payment(), gid,
                () -> Statements.charge(c.payment(), order));
        CompletableFuture<Boolean> paymentVote = ordered ? null : CompletableFuture.supplyAsync(paymentPrepare, other);
        RuntimeException failure = null;
        boolean inventoryYes = false;
        boolean paymentYes = false;
        try {
            inventoryYes = prepare(c.inventory(), gid, () -> Statements.reserve(c.inventory(), order));
        } catch (RuntimeException e) {
            failure = e;
        }
        try { // always waited for: a connection is never used by two threads at once
            paymentYes = paymentVote != null ? paymentVote.join()
                    : failure == null && inventoryYes && paymentPrepare.get();
        } catch (RuntimeException e) {
            failure = failure != null ? failure : e;
        }
        boolean yes = failure == null && inventoryYes && paymentYes;
        try {
            if (failure == null) {
                Statements.log(c.coordinator(), gid, yes ? "commit" : "abort");
            }
            if (yes && threePhase) {
                both(() -> precommit(c.inventory(), gid), () -> precommit(c.payment(), gid));
            }
        } catch (RuntimeException | SQLException e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            yes = false;
        }
        boolean commit = yes; // with no decision logged, nothing may stay prepared
        boolean inventoryPrepared = inventoryYes;
        boolean paymentPrepared = paymentYes;
        both(() -> end(c.inventory(), gid, commit, inventoryPrepared), () -> end(c.payment(), gid, commit, paymentPrepared));
        if (failure != null) {
            throw failure;
        }
        return yes ? Outcome.COMMITTED : Outcome.ABORTED;
    }

    /** Runs the inventory side here and the payment side alongside, and waits for both however they end. */
    private void both(Runnable inventory, Runnable payment) {
        CompletableFuture<Void> other = CompletableFuture.runAsync(payment, this.other);
        RuntimeException failure = null;
        try {
            inventory.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            other.join();
        } catch (RuntimeException e) {
            failure = failure != null ? failure : e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private interface Work {
        boolean run() throws SQLException;
    }

    /** The update, then PREPARE TRANSACTION: a YES vote. A failed update rolls back: a NO vote. */
    private static boolean prepare(Connection c, String gid, Work update) {
        try {
            if (!update.run()) {
                c.rollback();
                return false;
            }
            try (Statement s = c.createStatement()) {
                s.execute("PREPARE TRANSACTION '" + gid + "'");
            }
            return true;
        } catch (SQLException e) {
            rollBackQuietly(c);
            throw new IllegalStateException(e);
        }
    }

    private static void precommit(Connection c, String gid) {
        try {
            Statements.log(c, gid, "precommit");
            c.commit();
        } catch (SQLException e) {
            rollBackQuietly(c);
            throw new IllegalStateException(e);
        }
    }

    private static void end(Connection c, String gid, boolean commit, boolean prepared) {
        if (!prepared) {
            return;
        }
        try {
            c.setAutoCommit(true); // COMMIT PREPARED cannot run inside a transaction block
            try (Statement s = c.createStatement()) {
                s.execute((commit ? "COMMIT PREPARED '" : "ROLLBACK PREPARED '") + gid + "'");
            }
            c.setAutoCommit(false);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rollBackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the next order fails on it too and says why
        }
    }

    @Override
    public void close() throws Exception {
        other.shutdownNow();
        connections.close();
    }
}
