package dev.pledge.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Signs a caller's short-lived tokens (RS256, key id = the caller's name) and keeps each until shortly before it
 * expires, so a call costs a signature only every {@link #LIFETIME} minus {@link #RENEW_BEFORE} per audience.
 */
public final class TokenMinter {
    public static final Duration LIFETIME = Duration.ofMinutes(2);
    static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

    private record Minted(String token, Instant expires) {
    }

    private final Caller caller;
    private final PublicJsonWebKey key;
    private final Map<List<String>, Minted> cache = new ConcurrentHashMap<>();

    TokenMinter(Caller caller, PublicJsonWebKey key) {
        this.caller = caller;
        this.key = key;
    }

    public Caller caller() {
        return caller;
    }

    /** An {@code Authorization} header value for a call to these audiences. */
    public String bearer(List<String> audiences) {
        return "Bearer " + token(audiences);
    }

    public String bearer(String audience) {
        return bearer(List.of(audience));
    }

    /** A token for these audiences, fresh or kept from an earlier call. */
    public String token(List<String> audiences) {
        Instant now = Instant.now();
        Minted m = cache.get(audiences);
        if (m == null || now.isAfter(m.expires().minus(RENEW_BEFORE))) {
            m = new Minted(sign(audiences, now, LIFETIME, Map.of()), now.plus(LIFETIME));
            cache.put(List.copyOf(audiences), m);
        }
        return m.token();
    }

    /**
     * Signs a token with any issue time, lifetime and extra claims. The services use {@link #token}; this is for
     * checks that a service refuses what it must (an expired token, one that claims roles).
     */
    public String sign(List<String> audiences, Instant issuedAt, Duration lifetime, Map<String, Object> extraClaims) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(Caller.ISSUER);
        claims.setSubject(caller.id());
        claims.setAudience(audiences);
        claims.setIssuedAt(NumericDate.fromMilliseconds(issuedAt.toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(issuedAt.plus(lifetime).toEpochMilli()));
        claims.setJwtId(UUID.randomUUID().toString());
        extraClaims.forEach(claims::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(caller.id());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token for " + caller.id() + ": " + e.getMessage(), e);
        }
    }

    /** The key id in a token's header (read, not verified: the service's JWT verification did that). */
    public static String keyId(String token) {
        try {
            return org.jose4j.jwx.JsonWebStructure.fromCompactSerialization(token).getKeyIdHeaderValue();
        } catch (JoseException e) {
            throw new IllegalArgumentException("not a signed token: " + e.getMessage(), e);
        }
    }
}
