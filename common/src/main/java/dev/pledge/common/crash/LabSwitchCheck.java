package dev.pledge.common.crash;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * The lab switch takes {@code true} or {@code false} and nothing else. The fault hooks' endpoints are disabled
 * only by the exact value {@code false} (or none), so a value such as {@code FALSE} or {@code off} would turn
 * them on: such a value stops the service at start instead.
 */
@ApplicationScoped
public class LabSwitchCheck {

    void check(@Observes StartupEvent started, @ConfigProperty(name = Lab.ENABLED, defaultValue = "false") String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalStateException(Lab.ENABLED + " (PLEDGE_LAB_ENABLED) must be true or false, not '" + value
                    + "'; false, or leaving it out, keeps the fault hooks off");
        }
    }
}
