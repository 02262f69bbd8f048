package dev.pledge.bench.targets;

import java.nio.file.Path;
import java.sql.Connection;

import javax.sql.XAConnection;

import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

import org.postgresql.xa.PGXADataSource;

import com.arjuna.ats.arjuna.common.arjPropertyManager;

import dev.pledge.bench.BenchOrder;
import dev.pledge.bench.PerClient;
import dev.pledge.bench.Target;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;

/**
 * The incumbent (d): Narayana JTA, as a Java team would use it for 2PC, coordinating the two PostgreSQL
 * databases as XA resources inside one JVM, with its defaults: a file object store written with sync on,
 * prepares sent one after the other. Each client keeps one XA connection to each database.
 */
public final class NarayanaXa implements Target {
    /** Narayana's start-up notices (its status manager's port, ...) are not the benchmark's output. */
    private static final java.util.logging.Logger NARAYANA_LOG = java.util.logging.Logger.getLogger("com.arjuna");

    static {
        NARAYANA_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private record XaPair(XAConnection inventory, XAConnection payment, Connection inventorySql, Connection paymentSql)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                inventory.close();
            } finally {
                payment.close();
            }
        }
    }

    private final TransactionManager tm;
    private final PerClient<XaPair> connections;

    /** @param objectStore where Narayana keeps its transaction log for this run */
    public NarayanaXa(Databases dbs, Path objectStore) throws Exception {
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("pledge-bench");
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(objectStore.toString());
        arjPropertyManager.getCoordinatorEnvironmentBean().setDefaultTimeout(60);
        this.tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        PGXADataSource inventory = dataSource(dbs.url(Db.INVENTORY));
        PGXADataSource payment = dataSource(dbs.url(Db.PAYMENT));
        this.connections = new PerClient<>(() -> {
            XAConnection i = inventory.getXAConnection();
            XAConnection p = null;
            try {
                p = payment.getXAConnection();
                return new XaPair(i, p, i.getConnection(), p.getConnection());
            } catch (java.sql.SQLException e) {
                i.close();
                if (p != null) {
                    p.close();
                }
                throw e;
            }
        });
    }

    private static PGXADataSource dataSource(String url) {
        PGXADataSource ds = new PGXADataSource();
        ds.setUrl(url);
        return ds;
    }

    @Override
    public String name() {
        return "narayana";
    }

    @Override
    public Kind kind() {
        return Kind.INCUMBENT;
    }

    @Override
    public Outcome order(BenchOrder order) throws Exception {
        XaPair c = connections.get();
        tm.begin();
        Transaction tx = tm.getTransaction();
        boolean ok;
        try {
            tx.enlistResource(c.inventory().getXAResource());
            tx.enlistResource(c.payment().getXAResource());
            ok = Statements.reserve(c.inventorySql(), order) && Statements.charge(c.paymentSql(), order);
        } catch (Exception e) {
            tm.rollback();
            throw e;
        }
        if (!ok) {
            tm.rollback();
            return Outcome.ABORTED;
        }
        tm.commit();
        return Outcome.COMMITTED;
    }

    @Override
    public void close() throws Exception {
        connections.close();
    }
}
