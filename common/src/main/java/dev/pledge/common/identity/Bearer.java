package dev.pledge.common.identity;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/** Puts this service's token for one audience on every request of a REST client; none when the audience is null. */
public final class Bearer implements ClientRequestFilter {
    private final ServiceIdentity identity;
    private final String audience;

    public Bearer(ServiceIdentity identity, String audience) {
        this.identity = identity;
        this.audience = audience;
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (audience == null) {
            return;
        }
        identity.bearer(audience).ifPresent(h -> request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, h));
    }
}
