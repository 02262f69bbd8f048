package dev.pledge.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The fallback for machines without PostgreSQL: binaries from Maven Central, unpacked and really run. */
class PostgresDownloadIT {

    @Test
    void fetchedBinariesRunAServerWithPreparedTransactions() throws Exception {
        Path cache = Path.of("target", "pg-download-cache").toAbsolutePath();
        System.setProperty("pledge.cache.dir", cache.toString());
        try {
            Path bin = PostgresDownload.binaries();
            assertThat(bin).startsWith(cache);
            assertThat(Files.isExecutable(bin.resolve("initdb"))).isTrue();
            assertThat(PostgresDownload.binaries()).as("second call uses the cache").isEqualTo(bin);
            assertThat(Processes.run(List.of(bin.resolve("postgres").toString(), "--version"), Duration.ofSeconds(20)))
                    .contains("15.19");

            PostgresServer server = new PostgresServer("postgres-download-it", Net.freePort(),
                    Path.of("target", "pledge-test", "pg-download-" + ProcessHandle.current().pid()).toAbsolutePath(),
                    "it", false, bin.toString());
            server.start();
            try {
                server.awaitReady(Duration.ofSeconds(60));
                try (Connection c = server.connect(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("CREATE TABLE t (id int)");
                    s.execute("PREPARE TRANSACTION 'download-it'");
                    c.setAutoCommit(true);
                    s.execute("COMMIT PREPARED 'download-it'");
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                        rs.next();
                        assertThat(rs.getInt(1)).isZero();
                    }
                }
            } finally {
                server.stop(Duration.ofSeconds(10));
            }
        } finally {
            System.clearProperty("pledge.cache.dir");
        }
    }
}
