package dev.pledge.dashboard.api;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a request may change something, judged by what browsers say of where it comes from (OWASP's
 * "verify origin with standard headers"): the dashboard's controls answer only requests its own pages make.
 * A browser marks every request it sends with {@code Sec-Fetch-Site} and every state-changing one with
 * {@code Origin}; a page of another site that makes the visitor's browser post to the dashboard (cross-site
 * request forgery) is refused on either. A request with neither comes from no browser (curl, the CLI, a test)
 * and cannot be forged by a page, so it passes; the dashboard's login, where it has one, still applies.
 */
public final class CrossSite {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** {@code none}: typed in the address bar or a bookmark; {@code same-origin}: the dashboard's own page. */
    private static final Set<String> OWN = Set.of("same-origin", "none");

    private CrossSite() {
    }

    /**
     * Why the request must be refused, or empty when it may go on.
     *
     * @param host the request's {@code Host} header, the address the browser reached the dashboard at
     */
    public static Optional<String> refusal(String method, String fetchSite, String origin, String host) {
        if (SAFE_METHODS.contains(method)) {
            return Optional.empty();
        }
        if (fetchSite != null && !OWN.contains(fetchSite)) {
            return Optional.of("a " + fetchSite + " request may not change anything here (Sec-Fetch-Site: "
                    + fetchSite + "); use the dashboard's own page");
        }
        if (origin != null && !authority(origin).equalsIgnoreCase(host == null ? "" : host)) {
            return Optional.of("a request from " + origin + " may not change anything on " + host
                    + "; use the dashboard's own page");
        }
        return Optional.empty();
    }

    /** host[:port] of an origin such as {@code http://127.0.0.1:8084}; "" for {@code null} and other opaque ones. */
    private static String authority(String origin) {
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
