package dev.pledge.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

/**
 * The callers' keys in one directory: {@code <caller>.jwk}, each caller's private signing key (a JSON Web Key,
 * readable only by its owner), and {@code trust.jwks}, every caller's public key, which the services verify
 * tokens with. {@link #ensure()} makes whatever is missing; a key, once made, is kept until its file is deleted.
 */
public final class Identities {
    public static final String TRUST_FILE = "trust.jwks";
    private static final int KEY_BITS = 2048;

    private final Path dir;

    private Identities(Path dir) {
        this.dir = dir;
    }

    public static Identities in(Path dir) {
        return new Identities(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path keyFile(Caller caller) {
        return dir.resolve(caller.id() + ".jwk");
    }

    public Path trustFile() {
        return dir.resolve(TRUST_FILE);
    }

    /** Makes a key for every caller that has none, and writes the trust file from all of them. */
    public synchronized Identities ensure() {
        try {
            PrivateFiles.directory(dir);
            List<JsonWebKey> publicKeys = new ArrayList<>();
            for (Caller c : Caller.values()) {
                if (!Files.exists(keyFile(c))) {
                    PublicJsonWebKey key = RsaJwkGenerator.generateJwk(KEY_BITS);
                    key.setKeyId(c.id());
                    key.setUse("sig");
                    key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
                    // another process making the same key at the same moment: the first one's stays, and both use it
                    PrivateFiles.writeNew(keyFile(c), key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE), "rw-------");
                }
                publicKeys.add(JsonWebKey.Factory.newJwk(read(c).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
            }
            String trust = new JsonWebKeySet(publicKeys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
            if (!Files.exists(trustFile()) || !Files.readString(trustFile()).equals(trust)) {
                PrivateFiles.write(trustFile(), trust, "rw-r--r--");
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the callers' keys in " + dir + ": " + e.getMessage(), e);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot make a signing key: " + e.getMessage(), e);
        }
    }

    /** The minter of a caller's tokens, from its key file. */
    public TokenMinter minter(Caller caller) {
        return new TokenMinter(caller, read(caller));
    }

    /** The minter for a key file of one's own (a service is given its file's path and its name). */
    public static TokenMinter minter(Caller caller, Path keyFile) {
        return new TokenMinter(caller, readKey(keyFile));
    }

    private PublicJsonWebKey read(Caller caller) {
        return readKey(keyFile(caller));
    }

    private static PublicJsonWebKey readKey(Path file) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key " + file + ": " + e.getMessage(), e);
        } catch (JoseException e) {
            throw new IllegalStateException(file + " is not a signing key (a JSON Web Key with its private part): "
                    + e.getMessage(), e);
        }
    }
}
