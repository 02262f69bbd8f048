package dev.pledge.common.identity;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * A verified token's caller is the owner of the key that signed it (its key id), and the caller's role comes
 * from {@link Caller}, not from anything the token claims: a token whose subject or principal name ({@code upn},
 * {@code preferred_username}) is not its key's owner is refused, and a {@code groups} claim is ignored.
 */
@ApplicationScoped
public class KeyBoundRoles implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        String keyId = TokenMinter.keyId(jwt.getRawToken());
        Optional<Caller> caller = Caller.named(keyId);
        // the principal's name (upn, else preferred_username, else sub) is what audits and checks read: it too must
        // be the key's owner, or a key holder could sign in another's name
        if (caller.isEmpty() || !keyId.equals(jwt.getSubject()) || !keyId.equals(jwt.getName())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token's subject " + jwt.getSubject()
                    + " or name " + jwt.getName() + " is not the owner of the key that signed it (" + keyId + ")"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(jwt)
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addRole(caller.get().role())
                .build());
    }
}
