package dev.pledge.chaos.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.jwa.AlgorithmConstraints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;

/**
 * The bad credentials the campaign sends are bad for the reason they name: checked against a verifier set up
 * as the services are (issuer, audience, the stack's trust file, RS256, 5 s of clock skew, tokens at most 125 s
 * old, the subject and the principal's name the key's owner), under which a good token passes.
 */
class CredentialsTest {
    @TempDir
    Path dir;

    @Test
    void everyUnauthenticatedVariantFailsVerificationAndAWrongRoleTokenPasses() throws Exception {
        Identities stack = Identities.in(dir.resolve("stack")).ensure();
        Identities stranger = Identities.in(dir.resolve("stranger")).ensure();
        Credentials credentials = new Credentials(stack.minter(Caller.OPERATOR), stack.minter(Caller.INVENTORY),
                stranger.minter(Caller.OPERATOR));
        JwtConsumer inventory = verifier(Files.readString(stack.trustFile()), "inventory");

        assertThat(verifies(inventory, stack.minter(Caller.OPERATOR).bearer("inventory"))).as("a good token").isTrue();
        Credentials.Bad wrongRole = Credentials.wrongRole(stack.minter(Caller.SAGA_ORCHESTRATOR), "inventory");
        assertThat(wrongRole.status()).isEqualTo(403);
        assertThat(verifies(inventory, wrongRole.authorization())).as("a wrong role is still authenticated").isTrue();

        for (long seed = 0; seed < 20; seed++) {
            List<Credentials.Bad> bad = credentials.unauthenticated("inventory", new Random(seed));
            assertThat(bad).hasSize(11).allSatisfy(b -> assertThat(b.status()).isEqualTo(401));
            for (Credentials.Bad b : bad) {
                assertThat(verifies(inventory, b.authorization())).as("seed %d: %s", seed, b.how()).isFalse();
            }
        }
    }

    /** As a service's JWT check and KeyBoundRoles together decide whether a caller is authenticated. */
    private static boolean verifies(JwtConsumer consumer, String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        try {
            JwtContext context = consumer.process(authorization.substring("Bearer ".length()));
            JwtClaims claims = context.getJwtClaims();
            String keyId = ((JsonWebStructure) context.getJoseObjects().get(0)).getKeyIdHeaderValue();
            String name = claims.hasClaim("upn") ? claims.getStringClaimValue("upn")
                    : claims.hasClaim("preferred_username") ? claims.getStringClaimValue("preferred_username") : claims.getSubject();
            return Caller.named(keyId).isPresent() && keyId.equals(claims.getSubject()) && keyId.equals(name);
        } catch (Exception e) {
            return false;
        }
    }

    private static JwtConsumer verifier(String trust, String audience) throws Exception {
        return new JwtConsumerBuilder()
                .setExpectedIssuer(Caller.ISSUER)
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setIssuedAtRestrictions(5, 125)
                .setAllowedClockSkewInSeconds(5)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(trust).getJsonWebKeys()))
                .build();
    }
}
