package dev.pledge.bench.targets;

import java.sql.Connection;

import dev.pledge.bench.BenchOrder;
import dev.pledge.bench.PerClient;
import dev.pledge.bench.Target;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;

/**
 * Baseline (a): the order's two updates as plain local commits, one on inventory's database and one on
 * payment's, over JDBC. Not atomic across the two: what every protocol is measured against.
 */
public final class LocalCommits implements Target {
    private record Pair(Connection inventory, Connection payment) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try (inventory; payment) {
                // both closed
            }
        }
    }

    private final PerClient<Pair> connections;

    public LocalCommits(Databases dbs) {
        connections = new PerClient<>(() -> {
            Connection inventory = dbs.connect(Db.INVENTORY);
            try {
                return new Pair(inventory, dbs.connect(Db.PAYMENT));
            } catch (java.sql.SQLException e) {
                inventory.close();
                throw e;
            }
        });
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Kind kind() {
        return Kind.BASELINE;
    }

    @Override
    public Outcome order(BenchOrder order) throws Exception {
        Pair c = connections.get();
        if (!Statements.reserve(c.inventory(), order)) {
            return Outcome.ABORTED;
        }
        return Statements.charge(c.payment(), order) ? Outcome.COMMITTED : Outcome.ABORTED;
    }

    @Override
    public void close() throws Exception {
        connections.close();
    }
}
