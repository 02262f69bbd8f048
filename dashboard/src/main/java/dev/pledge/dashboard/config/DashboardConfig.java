package dev.pledge.dashboard.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the services are, and how the dashboard talks to them ({@code pledge.dashboard.*}). */
@ConfigMapping(prefix = "pledge.dashboard")
public interface DashboardConfig {
    String coordinatorUrl();

    String inventoryUrl();

    String paymentUrl();

    String orchestratorUrl();

    /** How often the live view is refreshed from the services while at least one page listens. */
    @WithDefault("1s")
    Duration refreshInterval();

    /** How long one call to a service may take before the service counts as unreachable. */
    @WithDefault("3s")
    Duration callTimeout();

    /**
     * A trace viewer's page for one trace, with {@code {traceId}} where the id goes (Jaeger:
     * {@code http://localhost:16686/trace/{traceId}}); when set, a timeline's trace id links there.
     */
    Optional<String> traceUrl();

    /** The login every request not from this machine's loopback needs (docs/security.md). */
    Login login();

    interface Login {
        @WithDefault("operator")
        String user();

        /** None: no login succeeds, and the dashboard answers on loopback only. */
        Optional<String> password();
    }
}
