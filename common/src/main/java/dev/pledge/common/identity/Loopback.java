package dev.pledge.common.identity;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Whether a request is one the switch {@code pledge.security.open-on-loopback} lets through without a login or a
 * token (docs/security.md): the switch is on (only {@code ./pledge up} turns it on, for the local stack, where
 * every service listens on 127.0.0.1), both ends of the connection are loopback addresses, and the request names
 * a loopback host. Off, as in every image and manifest, loopback is no different from any other address: on a
 * cluster a sidecar proxy, a port forward or a TLS front all connect from 127.0.0.1.
 */
@ApplicationScoped
public class Loopback {
    /** localhost, 127.x.x.x or [::1], with or without a port. */
    private static final Pattern LOOPBACK_HOST =
            Pattern.compile("(?i)(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d{1,5})?");

    private final boolean open;

    public Loopback(@ConfigProperty(name = "pledge.security.open-on-loopback", defaultValue = "false") boolean open) {
        this.open = open;
    }

    /**
     * The switch is on and the request came from this machine to its loopback address under a loopback name (a
     * page whose own name was made to resolve to 127.0.0.1, DNS rebinding, names itself in {@code Host}).
     */
    public boolean opens(HttpServerRequest request) {
        return open && isLoopback(request.localAddress()) && isLoopback(request.remoteAddress())
                && request.host() != null && LOOPBACK_HOST.matcher(request.host()).matches();
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
