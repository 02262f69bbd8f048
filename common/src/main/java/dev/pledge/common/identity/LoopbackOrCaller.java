package dev.pledge.common.identity;

import jakarta.inject.Singleton;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Reading (docs/security.md): open where {@link Loopback} opens it (the local stack); otherwise it needs a valid
 * token of any Pledge caller (the dashboard, the operator's tools, another service). Refused, it is answered 401
 * with problem+json, like every call without a token.
 */
@Singleton
public class LoopbackOrCaller extends OpenOnLoopback {
    public static final String NAME = "loopback-or-caller";

    public LoopbackOrCaller(Loopback loopback) {
        super(loopback);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Any caller whose token was verified: its key is one of trust.jwks. */
    @Override
    protected boolean admits(SecurityIdentity identity) {
        return true;
    }
}
