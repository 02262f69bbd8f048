package dev.pledge.dashboard.security;

import jakarta.inject.Singleton;

import dev.pledge.common.identity.Loopback;
import dev.pledge.common.identity.OpenOnLoopback;
import dev.pledge.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who may use the dashboard (docs/security.md): where {@link Loopback} opens a request (the local stack, from
 * this machine) no login is needed; any other request needs the dashboard's login ({@link DashboardLogin}). A
 * denied request without a login is answered 401 with a Basic challenge, so a browser asks for it.
 */
@Singleton
public class LoopbackOrLogin extends OpenOnLoopback {
    public static final String NAME = "loopback-or-login";

    public LoopbackOrLogin(Loopback loopback) {
        super(loopback);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The person logged in is an operator. */
    @Override
    protected boolean admits(SecurityIdentity identity) {
        return identity.hasRole(Roles.OPERATOR);
    }
}
