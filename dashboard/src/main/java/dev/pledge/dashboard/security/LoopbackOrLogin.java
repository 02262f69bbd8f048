package dev.pledge.dashboard.security;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pledge.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may use the dashboard (docs/security.md): a connection from this machine to the dashboard's loopback
 * address needs no login, as the local stack's dashboard never had one; any other needs the dashboard's login
 * ({@link DashboardLogin}). A denied request without a login is answered 401 with a Basic challenge, so a
 * browser asks for it.
 */
@ApplicationScoped
public class LoopbackOrLogin implements HttpSecurityPolicy {
    public static final String NAME = "loopback-or-login";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        if (isLoopback(request.request().localAddress()) && isLoopback(request.request().remoteAddress())) {
            return CheckResult.permit();
        }
        return identity.map(id -> !id.isAnonymous() && id.hasRole(Roles.OPERATOR) ? CheckResult.PERMIT
                : CheckResult.DENY);
    }

    /** An address in 127.0.0.0/8 or ::1; a host name (never given for an accepted connection) is not. */
    static boolean isLoopback(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return false;
        }
        String host = address.hostAddress();
        return host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }
}
