package dev.pledge.common.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Verifies each caller's token once, not on every request. A Pledge service reuses one token per audience
 * for most of its two-minute life ({@code TokenMinter}), and checking its signature again on every call
 * was half of a participant's CPU in a 2PC order (the JIT level the services run at has no fast big-number
 * arithmetic). A token that verified is remembered, by its exact text, until the first of: its expiry, the
 * end of its allowed age ({@code mp.jwt.verify.token.age} after it was issued), and {@link #LONGEST} after it
 * was verified. So nothing is
 * accepted that the verifier would refuse at that moment, as long as the trusted keys do not change; they are
 * read once at start, so a change of keys restarts the service and empties this memory. A token that fails
 * is never remembered: each presentation is verified, and refused, again. A token changed by one character
 * is another text, verified on its own.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class VerifiedTokens extends JWTCallerPrincipalFactory {
    /** The longest a verified token is remembered. */
    static final Duration LONGEST = Duration.ofSeconds(60);
    /** Tokens remembered at most; past it, expired ones are forgotten, and if that is not enough, all. */
    static final int MOST = 1_000;

    private record Verified(JWTCallerPrincipal principal, JWTAuthContextInfo context, Instant until) {
    }

    private final JWTCallerPrincipalFactory verifier;
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    public VerifiedTokens() {
        this(new DefaultJWTCallerPrincipalFactory(), Clock.systemUTC());
    }

    VerifiedTokens(JWTCallerPrincipalFactory verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        Instant now = clock.instant();
        Verified known = verified.get(token);
        if (known != null && known.context() == context && now.isBefore(known.until())) {
            return known.principal();
        }
        JWTCallerPrincipal principal = verifier.parse(token, context); // throws for a token it refuses
        Instant until = until(principal, context, now);
        if (now.isBefore(until)) {
            if (verified.size() >= MOST) {
                verified.values().removeIf(v -> !now.isBefore(v.until()));
                if (verified.size() >= MOST) {
                    verified.clear();
                }
            }
            verified.put(token, new Verified(principal, context, until));
        }
        return principal;
    }

    /** The first moment the token may no longer be taken without verifying it again. */
    static Instant until(JWTCallerPrincipal principal, JWTAuthContextInfo context, Instant now) {
        Instant until = now.plus(LONGEST);
        until = earliest(until, principal.getExpirationTime() > 0 ? Instant.ofEpochSecond(principal.getExpirationTime()) : null);
        long issued = principal.getIssuedAtTime();
        if (issued > 0 && context.getTokenAge() != null) {
            until = earliest(until, Instant.ofEpochSecond(issued + context.getTokenAge()));
        }
        return until;
    }

    private static Instant earliest(Instant a, Instant b) {
        return b == null || a.isBefore(b) ? a : b;
    }
}
