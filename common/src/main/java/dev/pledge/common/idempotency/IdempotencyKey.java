package dev.pledge.common.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.pledge.common.problem.ProblemException;

/**
 * A client's {@code Idempotency-Key} header on a request that begins something (a transaction, a saga),
 * with a fingerprint of the request it came with. A client that repeats the request with the same key,
 * after a timeout or a lost answer, gets what the first request began instead of a second one; the same
 * key with a different request is refused.
 *
 * @param key         the header's value
 * @param requestHash SHA-256 of the request as the service read it, in hex
 */
public record IdempotencyKey(String key, String requestHash) {
    public static final String HEADER = "Idempotency-Key";
    /** Marks an answer that repeats what an earlier request with the key began. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** Visible ASCII, 1 to 128 characters: a UUID, a ULID or an order number all fit. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

    /**
     * @param header      the header's value, or null when the client sent none
     * @param requestJson the validated request in a canonical form (the service's own serialization)
     * @return the key, or empty when there was no header
     * @throws ProblemException 400 when the header is present but not a valid key
     */
    public static Optional<IdempotencyKey> of(String header, String requestJson) {
        if (header == null) {
            return Optional.empty();
        }
        if (!KEY.matcher(header).matches()) {
            throw ProblemException.badRequest(HEADER + " must be 1-128 visible ASCII characters (a UUID, for instance)");
        }
        return Optional.of(new IdempotencyKey(header, sha256(requestJson)));
    }

    /** Begins something; may fail because another request took the key first. */
    @FunctionalInterface
    public interface Begin<R, E extends Exception> {
        R begin() throws E;
    }

    /** What an earlier request with the key began, as an answer; refuses a different request with the key. */
    @FunctionalInterface
    public interface Earlier<R, E extends Exception> {
        Optional<R> find(IdempotencyKey key) throws E;
    }

    /**
     * Begins once per key: answers with what an earlier request with the key began, or begins. When the
     * begin fails and the key has meanwhile been taken (two requests raced; the key's unique index let one
     * win), the loser answers as a repeat too.
     */
    public static <R, E extends Exception> R once(Optional<IdempotencyKey> key, Earlier<R, E> earlier, Begin<R, E> begin)
            throws E {
        if (key.isPresent()) {
            Optional<R> first = earlier.find(key.get());
            if (first.isPresent()) {
                return first.get();
            }
        }
        try {
            return begin.begin();
        } catch (Exception e) {
            if (key.isPresent()) {
                Optional<R> first = earlier.find(key.get());
                if (first.isPresent()) {
                    return first.get();
                }
            }
            throw e;
        }
    }

    /** The answer to a repeat whose request differs from the first one's. */
    public ProblemException mismatch(String firstLocation) {
        return new ProblemException(422, "Unprocessable Content", HEADER + " '" + key + "' was first used with a"
                + " different request (" + firstLocation + "); use a new key for a new request");
    }

    /** The answer to a repeat that arrives while the first request is still being run. */
    public ProblemException stillRunning(String firstLocation) {
        return new ProblemException(409, "Conflict", "the first request with " + HEADER + " '" + key
                + "' is still running; follow it at " + firstLocation);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
