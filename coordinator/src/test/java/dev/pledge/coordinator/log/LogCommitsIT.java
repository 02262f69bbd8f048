package dev.pledge.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.pledge.testing.CallersResource;
import dev.pledge.testing.PostgresResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Which of the log's local transactions wait for the disk, as the coordinator's own database reports it: the
 * connections open with asynchronous commits, and a forced write turns them on for its own transaction alone.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(CallersResource.class)
class LogCommitsIT {
    @Inject
    AgroalDataSource db;

    @Test
    void onlyAForcedWriteWaitsForTheDiskAndOnlyForItself() throws SQLException {
        try (Connection c = db.getConnection()) {
            assertThat(LogRows.inTransaction(c, false, LogCommitsIT::synchronousCommit)).isEqualTo("off");
            assertThat(LogRows.inTransaction(c, true, LogCommitsIT::synchronousCommit)).isEqualTo("on");
            assertThat(synchronousCommit(c)).as("after the forced transaction").isEqualTo("off");
            assertThat(LogRows.inTransaction(c, false, LogCommitsIT::synchronousCommit)).isEqualTo("off");
        }
    }

    private static String synchronousCommit(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
