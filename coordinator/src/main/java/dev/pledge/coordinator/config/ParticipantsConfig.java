package dev.pledge.coordinator.config;

import io.smallrye.config.ConfigMapping;

/** Where the participants of an order live (the /orders convenience form needs them). */
@ConfigMapping(prefix = "pledge.participants")
public interface ParticipantsConfig {

    Endpoint inventory();

    Endpoint payment();

    interface Endpoint {
        String url();
    }
}
