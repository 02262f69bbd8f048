package dev.pledge.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMinterTest {

    @Test
    void aTokenIsSignedByItsCallersKeyAndVerifiesOnlyWithItsPublicKey(@TempDir Path dir) throws Exception {
        Identities ids = Identities.in(dir).ensure();
        String token = ids.minter(Caller.COORDINATOR).token(List.of("inventory"));

        assertThat(TokenMinter.keyId(token)).isEqualTo("coordinator");
        JsonWebKeySet trust = new JsonWebKeySet(Files.readString(ids.trustFile()));
        JsonWebSignature jws = (JsonWebSignature) JsonWebSignature.fromCompactSerialization(token);
        jws.setKey(new VerificationJwkSelector().select(jws, trust.getJsonWebKeys()).getKey());
        assertThat(jws.verifySignature()).isTrue();
        JwtClaims claims = JwtClaims.parse(jws.getPayload());
        assertThat(claims.getSubject()).isEqualTo("coordinator");
        assertThat(claims.getIssuer()).isEqualTo(Caller.ISSUER);
        assertThat(claims.getAudience()).containsExactly("inventory");

        // inventory's public key does not verify the coordinator's signature
        jws.setKey(trust.findJsonWebKey("inventory", null, null, null).getKey());
        assertThat(jws.verifySignature()).isFalse();
        assertThat(Files.readString(ids.trustFile())).doesNotContain("\"d\"").as("no private part in the trust file");
    }

    @Test
    void aTokenIsKeptUntilShortlyBeforeItExpiresAndKeysSurviveAReload(@TempDir Path dir) throws Exception {
        Identities ids = Identities.in(dir).ensure();
        TokenMinter minter = ids.minter(Caller.INVENTORY);
        String first = minter.token(List.of("inventory"));
        assertThat(minter.token(List.of("inventory"))).isSameAs(first);
        assertThat(minter.token(List.of(Caller.FOR_COORDINATOR))).isNotEqualTo(first);

        String key = Files.readString(ids.keyFile(Caller.INVENTORY));
        String trust = Files.readString(ids.trustFile());
        Identities.in(dir).ensure();
        assertThat(Files.readString(ids.keyFile(Caller.INVENTORY))).as("a key, once made, is kept").isEqualTo(key);
        assertThat(Files.readString(ids.trustFile())).isEqualTo(trust);
    }
}
