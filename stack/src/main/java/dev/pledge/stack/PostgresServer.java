package dev.pledge.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server of its own: a data directory created by initdb on first start, loopback only, prepared
 * transactions enabled, and one database. Every login needs its password (SCRAM; no trust authentication):
 * the administrator {@value #ADMIN}, which the operator's tools use (inspect, the checker, the benchmark's floors,
 * the experiments' probes), and the service's own role, named like its database, which owns the database and is
 * the only one but the administrator that can finish the service's prepared transactions. Both passwords are
 * generated on first start into the state directory ({@link Secrets}), with a {@code pgpass} file for psql.
 *
 * <p>PostgreSQL refuses to run as root. When started by root it runs inside a user namespace
 * ({@code unshare -U}): the server sees itself as an unprivileged user while its files stay root's, so
 * no OS user has to be created and no parent directory has to be opened up. A normal user runs it as is.
 */
public final class PostgresServer extends ManagedProcess {
    /** The administrator (superuser) of every server of the stack. */
    public static final String ADMIN = "pledge";
    private static final int MAX_PREPARED_TRANSACTIONS = 100;

    private final String database;
    private final boolean fsync;
    private final String binOverride;

    /**
     * @param binOverride PostgreSQL's bin directory, or null to look for it (see {@link PostgresBinaries})
     */
    public PostgresServer(String name, int port, Path stateDir, String database, boolean fsync, String binOverride) {
        super(name, port, stateDir);
        this.database = database;
        this.fsync = fsync;
        this.binOverride = binOverride;
    }

    @Override
    public String kind() {
        return "postgres";
    }

    public Path dataDir() {
        return stateDir().resolve("data").resolve(name());
    }

    public String database() {
        return database;
    }

    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    /** The role the service logs in as: named like its database, which it owns. */
    public String serviceUser() {
        return database;
    }

    public String servicePassword() {
        return secrets().password(name() + "." + serviceUser());
    }

    private String adminPassword() {
        return secrets().password(name() + "." + ADMIN);
    }

    private Secrets secrets() {
        return Secrets.of(stateDir());
    }

    /** A JDBC URL that logs in to one of this server's databases as the administrator, password included. */
    public String adminJdbcUrl(String db) {
        return jdbcUrl(db) + "?user=" + ADMIN + "&password=" + adminPassword();
    }

    private String jdbcUrl(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + db;
    }

    @Override
    protected String marker() {
        return "-D " + dataDir();
    }

    @Override
    protected String gracefulSignal() {
        return "INT"; // fast shutdown: do not wait for clients to disconnect
    }

    private List<String> asServerUser(String program) {
        List<String> cmd = new ArrayList<>();
        if (OsUser.isRoot()) {
            cmd.add("unshare");
            cmd.add("-U");
        }
        cmd.add(PostgresBinaries.locate(binOverride).resolve(program).toString());
        return cmd;
    }

    @Override
    protected void prepare() {
        String adminSecret = name() + "." + ADMIN;
        if (Files.exists(dataDir().resolve("PG_VERSION"))) {
            if (!secrets().exists(adminSecret)) {
                throw new StackException(name() + ": the database in " + dataDir() + " was made before Pledge"
                        + " required passwords (its logins trust anyone on this machine). `./pledge down --purge`"
                        + " deletes it and its data, then `./pledge up` makes a new one with generated credentials.");
            }
            return;
        }
        adminPassword(); // written to its file, which initdb reads
        try {
            // the servers of a stack are prepared in parallel; if each initdb made the shared parent itself,
            // the slower ones would fail with "File exists"
            Files.createDirectories(dataDir().getParent());
        } catch (java.io.IOException e) {
            throw new StackException(name() + ": cannot create " + dataDir().getParent() + ": " + e.getMessage(), e);
        }
        List<String> initdb = asServerUser("initdb");
        initdb.addAll(List.of("-D", dataDir().toString(), "-U", ADMIN, "--auth=scram-sha-256",
                "--pwfile=" + secrets().file(adminSecret), "-E", "UTF8", "--locale=C", "--no-sync"));
        Processes.run(initdb, Duration.ofMinutes(2));
    }

    @Override
    protected List<String> command() {
        List<String> cmd = asServerUser("postgres");
        cmd.addAll(List.of("-D", dataDir().toString(), "-p", Integer.toString(port()),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "max_prepared_transactions=" + MAX_PREPARED_TRANSACTIONS,
                "-c", "max_connections=" + (MAX_PREPARED_TRANSACTIONS + 50),
                "-c", "shared_buffers=32MB",
                "-c", "fsync=" + (fsync ? "on" : "off")));
        if (!fsync) {
            // only what a lost machine would need: a killed server must still keep every commit it
            // acknowledged, so commits still wait for their WAL to reach the kernel (synchronous_commit
            // stays on); without fsync the kernel's cache is trusted, which survives any process kill
            cmd.addAll(List.of("-c", "full_page_writes=off"));
        }
        return cmd;
    }

    @Override
    public boolean isReady() {
        try (Connection c = connect("postgres")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    protected void afterReady() {
        try (Connection c = connect("postgres")) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", serviceUser())) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE ROLE \"" + serviceUser() + "\" LOGIN");
                }
            }
            // every start, so that the role's password is always the one in its file (made again if deleted);
            // hashed here (SCRAM), so no statement and no server log carries the password itself
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword(serviceUser(),
                    servicePassword().toCharArray(), "scram-sha-256");
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                try (Statement create = c.createStatement()) {
                    create.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + serviceUser() + "\"");
                }
            }
        } catch (SQLException e) {
            throw new StackException(name() + ": could not create database " + database + " and its role: " + e.getMessage(), e);
        }
        secrets().pgpass(port(), ADMIN, adminPassword());
        secrets().pgpass(port(), serviceUser(), servicePassword());
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A new connection to one of this server's databases, as the administrator {@value #ADMIN}. */
    public Connection connect(String db) throws SQLException {
        java.util.Properties login = new java.util.Properties();
        login.setProperty("user", ADMIN);
        login.setProperty("password", adminPassword());
        login.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(jdbcUrl(db), login);
    }

    public Connection connect() throws SQLException {
        return connect(database);
    }
}
