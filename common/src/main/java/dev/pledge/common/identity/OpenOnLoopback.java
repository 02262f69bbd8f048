package dev.pledge.common.identity;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A policy that lets through what {@link Loopback} opens (the local stack, from this machine) and otherwise only
 * an identity it {@link #admits}. An anonymous request it refuses is answered 401 by the path's mechanism.
 */
public abstract class OpenOnLoopback implements HttpSecurityPolicy {
    private final Loopback loopback;

    protected OpenOnLoopback(Loopback loopback) {
        this.loopback = loopback;
    }

    /** Whether this authenticated (or anonymous) caller may go on when loopback does not open the request. */
    protected abstract boolean admits(SecurityIdentity identity);

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        if (loopback.opens(request.request())) {
            return CheckResult.permit();
        }
        return identity.map(id -> !id.isAnonymous() && admits(id) ? CheckResult.PERMIT : CheckResult.DENY);
    }
}
