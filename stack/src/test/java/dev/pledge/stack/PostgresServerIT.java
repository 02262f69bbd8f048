package dev.pledge.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real PostgreSQL server started, crashed and restarted by the launcher (as root through unshare -U). */
class PostgresServerIT {
    private static PostgresServer server;

    @BeforeAll
    static void start() {
        Path state = Path.of("target", "pledge-test", "pg-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        server = new PostgresServer("postgres-it", Net.freePort(), state, "itdb", false, System.getenv("PLEDGE_PG_BIN"));
        assertThat(server.start()).isTrue();
        server.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(10));
    }

    @Test
    void aPreparedTransactionSurvivesACrashAndHoldsItsData() throws Exception {
        assertThat(server.start()).as("already running: a second start is a no-op").isFalse();
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY)");
            c.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (1)");
            s.execute("PREPARE TRANSACTION 'it-survives'");
            c.setAutoCommit(true);
        }
        long pid = server.runningPid().orElseThrow();
        Processes.signal(pid, "KILL");
        assertThat(Processes.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
        assertThat(server.status().state()).isEqualTo(ComponentStatus.State.STALE);

        assertThat(server.start()).isTrue();
        server.awaitReady(Duration.ofSeconds(60));
        assertThat(server.runningPid().orElseThrow()).isNotEqualTo(pid);
        assertThat(count("SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'it-survives'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM t")).as("invisible until committed").isZero();
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("COMMIT PREPARED 'it-survives'");
        }
        assertThat(count("SELECT count(*) FROM t")).isEqualTo(1);
    }

    @Test
    void stopEndsTheServerByItsPid() {
        PostgresServer other = new PostgresServer("postgres-it-2", Net.freePort(),
                Path.of("target", "pledge-test", "pg-it2-" + ProcessHandle.current().pid()).toAbsolutePath(), "x",
                false, System.getenv("PLEDGE_PG_BIN"));
        other.start();
        other.awaitReady(Duration.ofSeconds(60));
        long pid = other.runningPid().orElseThrow();
        assertThat(other.stop(Duration.ofSeconds(10))).startsWith("stopped");
        assertThat(Processes.isAlive(pid)).isFalse();
        assertThat(other.pidFile()).doesNotExist();
        assertThat(other.status().state()).isEqualTo(ComponentStatus.State.STOPPED);
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
