package dev.pledge.common.identity;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;
import dev.pledge.identity.TokenMinter;

/**
 * This service as a caller: its name ({@code pledge.identity.name}) and its signing key
 * ({@code pledge.identity.key-file}), from which it signs the tokens its calls carry. Without a key it calls with
 * no token, and a service that checks callers refuses those calls (401).
 */
@ApplicationScoped
public class ServiceIdentity {
    private static final Logger LOG = Logger.getLogger(ServiceIdentity.class);

    private final Optional<TokenMinter> minter;

    ServiceIdentity(@ConfigProperty(name = "pledge.identity.name") Optional<String> name,
                    @ConfigProperty(name = "pledge.identity.key-file") Optional<Path> keyFile) {
        if (name.isEmpty() || keyFile.isEmpty()) {
            LOG.warn("no signing key (pledge.identity.name and pledge.identity.key-file): calls to other services"
                    + " carry no token, and the services that check their callers will refuse them");
            this.minter = Optional.empty();
            return;
        }
        Caller caller = Caller.named(name.get()).orElseThrow(() -> new IllegalArgumentException(
                "pledge.identity.name=" + name.get() + " names no caller; known: " + List.of(Caller.values())));
        this.minter = Optional.of(Identities.minter(caller, keyFile.get()));
    }

    /** The {@code Authorization} header for a call to this audience, if this service has a key. */
    public Optional<String> bearer(String audience) {
        return minter.map(m -> m.bearer(audience));
    }
}
