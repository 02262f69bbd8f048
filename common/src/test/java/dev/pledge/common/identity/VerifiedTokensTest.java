package dev.pledge.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;

class VerifiedTokensTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /**
     * Stands for the signature check: a token "good-N" verifies with the given issue and expiry times, any
     * other is refused. Counts every check.
     */
    private static final class Verifier extends JWTCallerPrincipalFactory {
        final List<String> checked = new ArrayList<>();
        final Hands clock;
        long issuedAt = T0.getEpochSecond();
        long expires = T0.plus(Duration.ofMinutes(2)).getEpochSecond();

        Verifier(Hands clock) {
            this.clock = clock;
        }

        @Override
        public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
            checked.add(token);
            if (!token.startsWith("good") || clock.instant().getEpochSecond() >= expires) {
                throw new ParseException("signature or time not valid");
            }
            JwtClaims claims = new JwtClaims();
            claims.setSubject("coordinator");
            claims.setIssuedAt(NumericDate.fromSeconds(issuedAt));
            claims.setExpirationTime(NumericDate.fromSeconds(expires));
            return new DefaultJWTCallerPrincipal(token, "JWT", claims);
        }
    }

    private final Hands clock = new Hands();
    private final Verifier verifier = new Verifier(clock);
    private final VerifiedTokens tokens = new VerifiedTokens(verifier, clock);
    private final JWTAuthContextInfo context = new JWTAuthContextInfo();

    @Test
    void aTokenThatVerifiedIsTakenAgainWithoutItsSignatureBeingCheckedAgain() throws Exception {
        JWTCallerPrincipal first = tokens.parse("good-1", context);
        clock.now = T0.plusSeconds(30);
        assertThat(tokens.parse("good-1", context)).isSameAs(first);
        assertThat(verifier.checked).containsExactly("good-1");
        assertThat(tokens.parse("good-2", context).getRawToken()).as("another text is verified on its own").isEqualTo("good-2");
        assertThat(verifier.checked).containsExactly("good-1", "good-2");
    }

    @Test
    void aRefusedTokenIsRefusedEveryTimeAndNeverRemembered() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.parse("forged", context)).isInstanceOf(ParseException.class);
        }
        assertThat(verifier.checked).containsExactly("forged", "forged", "forged");
    }

    @Test
    void aRememberedTokenIsVerifiedAgainAfterTheLongestMemory() throws Exception {
        tokens.parse("good-1", context);
        clock.now = T0.plus(VerifiedTokens.LONGEST);
        tokens.parse("good-1", context);
        assertThat(verifier.checked).containsExactly("good-1", "good-1");
    }

    @Test
    void aTokenIsNotTakenPastItsExpiryNorPastItsAllowedAge() throws Exception {
        verifier.expires = T0.plusSeconds(20).getEpochSecond();
        tokens.parse("good-1", context);
        clock.now = T0.plusSeconds(20);
        assertThatThrownBy(() -> tokens.parse("good-1", context)).as("expired: the verifier refuses it")
                .isInstanceOf(ParseException.class);

        clock.now = T0;
        verifier.expires = T0.plus(Duration.ofMinutes(2)).getEpochSecond();
        context.setTokenAge(10L);
        tokens.parse("good-2", context);
        clock.now = T0.plusSeconds(10);
        tokens.parse("good-2", context);
        assertThat(verifier.checked).as("ten seconds after it was issued, the token's age is checked again")
                .containsExactly("good-1", "good-1", "good-2", "good-2");
    }

    @Test
    void aTokenVerifiedUnderAnotherSetOfRulesIsVerifiedAgain() throws Exception {
        tokens.parse("good-1", context);
        tokens.parse("good-1", new JWTAuthContextInfo());
        assertThat(verifier.checked).containsExactly("good-1", "good-1");
    }

    @Test
    void pastTheMostTokensRememberedTheExpiredAreForgottenFirst() throws Exception {
        for (int i = 0; i < VerifiedTokens.MOST; i++) {
            tokens.parse("good-" + i, context);
        }
        tokens.parse("good-0", context);
        assertThat(verifier.checked).as("all still remembered").hasSize(VerifiedTokens.MOST);
        clock.now = T0.plus(VerifiedTokens.LONGEST);
        tokens.parse("good-new", context); // every other is expired now: they make room
        clock.now = T0.plus(VerifiedTokens.LONGEST).plusSeconds(1);
        tokens.parse("good-new", context);
        assertThat(verifier.checked).as("the new one was remembered").hasSize(VerifiedTokens.MOST + 1);
    }

    @Test
    void untilIsTheEarliestOfEveryLimit() throws Exception {
        context.setTokenAge(125L);
        verifier.issuedAt = T0.minusSeconds(100).getEpochSecond();
        JWTCallerPrincipal principal = tokens.parse("good-1", context);
        assertThat(VerifiedTokens.until(principal, context, T0)).as("issued 100 s ago, 125 s of age allowed")
                .isEqualTo(T0.plusSeconds(25));
        context.setTokenAge(null);
        assertThat(VerifiedTokens.until(principal, context, T0)).as("then the longest memory").isEqualTo(T0.plus(VerifiedTokens.LONGEST));
    }
}
