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
 * A PostgreSQL server of its own: a data directory created by initdb on first start, loopback only,
 * trust authentication for user {@value #USER}, prepared transactions enabled, and one database.
 *
 * <p>PostgreSQL refuses to run as root. When started by root it runs inside a user namespace
 * ({@code unshare -U}): the server sees itself as an unprivileged user while its files stay root's, so
 * no OS user has to be created and no parent directory has to be opened up. A normal user runs it as is.
 */
public final class PostgresServer extends ManagedProcess {
    public static final String USER = "pledge";
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
        if (Files.exists(dataDir().resolve("PG_VERSION"))) {
            return;
        }
        try {
            // the servers of a stack are prepared in parallel; if each initdb made the shared parent itself,
            // the slower ones would fail with "File exists"
            Files.createDirectories(dataDir().getParent());
        } catch (java.io.IOException e) {
            throw new StackException(name() + ": cannot create " + dataDir().getParent() + ": " + e.getMessage(), e);
        }
        List<String> initdb = asServerUser("initdb");
        initdb.addAll(List.of("-D", dataDir().toString(), "-U", USER, "--auth=trust", "-E", "UTF8",
                "--locale=C", "--no-sync"));
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
        try (Connection c = connect("postgres");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE \"" + database + "\"");
            }
        } catch (SQLException e) {
            throw new StackException(name() + ": could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    /** A new connection to one of this server's databases, as {@value #USER}. */
    public Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(db) + "?user=" + USER + "&connectTimeout=3");
    }

    public Connection connect() throws SQLException {
        return connect(database);
    }
}
