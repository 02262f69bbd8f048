package dev.pledge.testing;

import java.time.Duration;
import java.util.Map;

import dev.pledge.stack.Net;
import dev.pledge.stack.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real PostgreSQL server (fsync off, a fresh data directory) on a free port with the stack's
 * own launcher, and points the service's default datasource at it. Test classes that use this resource
 * share one server.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    private PostgresServer server;

    @Override
    public Map<String, String> start() {
        server = new PostgresServer("postgres-test", Net.freePort(), StateDirs.fresh("postgres"), "test", false,
                System.getenv("PLEDGE_PG_BIN"));
        server.start();
        server.awaitReady(Duration.ofSeconds(60));
        return Map.of("quarkus.datasource.jdbc.url", server.jdbcUrl(),
                "quarkus.datasource.username", server.serviceUser(),
                "quarkus.datasource.password", server.servicePassword(),
                "pledge.test.postgres.pidfile", server.pidFile().toString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(10));
        }
    }
}
