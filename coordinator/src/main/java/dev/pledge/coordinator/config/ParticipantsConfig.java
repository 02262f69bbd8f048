package dev.pledge.coordinator.config;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/** The participants this coordinator knows by name: {@code pledge.participants.<name>.url}. */
@ConfigMapping(prefix = "pledge.participants")
public interface ParticipantsConfig {

    @WithParentName
    Map<String, Endpoint> byName();

    default Optional<String> url(String participant) {
        return Optional.ofNullable(byName().get(participant)).map(Endpoint::url);
    }

    interface Endpoint {
        String url();
    }
}
