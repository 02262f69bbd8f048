package dev.pledge.dashboard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.dashboard.config.DashboardConfig;
import dev.pledge.identity.Roles;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The dashboard's one login (HTTP Basic, which Quarkus reads): {@code pledge.dashboard.login.user} with the
 * password {@code pledge.dashboard.login.password}. Without a password no login succeeds, so the dashboard
 * answers only on loopback ({@link LoopbackOrLogin}). The person who logs in is an operator.
 */
@ApplicationScoped
public class DashboardLogin implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private final String user;
    private final Optional<String> password;

    public DashboardLogin(DashboardConfig config) {
        this.user = config.login().user();
        this.password = config.login().password().filter(p -> !p.isBlank());
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        if (password.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "the dashboard has no login password (PLEDGE_DASHBOARD_LOGIN_PASSWORD): it answers on loopback only"));
        }
        // both compared in full, so the time taken says nothing about how much of either was right
        boolean userMatches = MessageDigest.isEqual(bytes(user), bytes(request.getUsername()));
        boolean passwordMatches = MessageDigest.isEqual(bytes(password.get()),
                bytes(new String(request.getPassword().getPassword())));
        if (!userMatches || !passwordMatches) {
            return Uni.createFrom().failure(new AuthenticationFailedException("wrong user or password"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(user))
                .addRole(Roles.OPERATOR).build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
