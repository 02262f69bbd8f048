package dev.pledge.chaos.input;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;

/**
 * Credentials a service must refuse, made from the stack's own keys and from a stranger's: none at all, what is
 * not a token, a token that is expired, too old, for another service, signed by a key the service does not
 * trust, altered after signing, unsigned, or whose subject or name is not its key's owner (each 401); and a good
 * token of a caller who may not make the call (403).
 */
public final class Credentials {
    /** A credential to send ({@code null}: no Authorization header) and the status it must get. */
    public record Bad(String how, String authorization, int status) {
    }

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

    private final TokenMinter operator;
    private final TokenMinter inventory;
    private final TokenMinter stranger;

    /**
     * @param operator the stack's operator (a caller the service trusts)
     * @param inventory the stack's inventory participant (for a subject that is not its key's owner)
     * @param stranger an operator key the stack does not trust
     */
    public Credentials(TokenMinter operator, TokenMinter inventory, TokenMinter stranger) {
        this.operator = operator;
        this.inventory = inventory;
        this.stranger = stranger;
    }

    /** The kinds of bad credential, for a service whose audience is {@code audience}; all refused with 401. */
    public List<Bad> unauthenticated(String audience, Random random) {
        String other = Caller.EVERY_SERVICE.stream().filter(a -> !a.equals(audience)).toList()
                .get(random.nextInt(Caller.EVERY_SERVICE.size() - 1));
        Instant now = Instant.now();
        String good = operator.sign(List.of(audience), now, TokenMinter.LIFETIME, Map.of());
        return List.of(
                new Bad("no credential", null, 401),
                new Bad("a bearer that is not a token", "Bearer " + randomText(random), 401),
                new Bad("another scheme (Basic)", "Basic " + Base64.getEncoder().encodeToString(
                        ("operator:" + randomText(random)).getBytes(StandardCharsets.UTF_8)), 401),
                // expired, yet young enough for the age limit (125 s): refused for its expiry alone
                new Bad("an expired token", "Bearer " + operator.sign(List.of(audience),
                        now.minus(Duration.ofSeconds(60 + random.nextInt(40))), Duration.ofSeconds(30), Map.of()), 401),
                new Bad("a token issued too long ago (still unexpired)", "Bearer " + operator.sign(List.of(audience),
                        now.minus(Duration.ofMinutes(5)), Duration.ofHours(1), Map.of()), 401),
                new Bad("a token for " + other + " replayed here", "Bearer " + operator.sign(List.of(other), now,
                        TokenMinter.LIFETIME, Map.of()), 401),
                new Bad("a token signed by a key the stack does not trust", "Bearer " + stranger.sign(List.of(audience), now,
                        TokenMinter.LIFETIME, Map.of()), 401),
                new Bad("a token altered after signing", "Bearer " + altered(good, random), 401),
                new Bad("an unsigned token (alg none)", "Bearer " + unsigned(good), 401),
                new Bad("inventory's key claiming the operator's name", "Bearer " + inventory.sign(List.of(audience), now,
                        TokenMinter.LIFETIME, Map.of("sub", "operator", "groups", List.of("operator", "coordinator"))), 401),
                new Bad("inventory's key with its own subject but the operator's upn", "Bearer " + inventory.sign(
                        List.of(audience), now, TokenMinter.LIFETIME, Map.of(random.nextBoolean() ? "upn" : "preferred_username",
                                "operator")), 401));
    }

    /** A good token of a caller who may not make the call (by its role, or as a peer no branch names): 403. */
    public static Bad wrongRole(TokenMinter caller, String audience) {
        return new Bad("a good token of " + caller.caller().id() + ", who may not", caller.bearer(audience), 403);
    }

    /** The same signature on a payload with one claim changed (the subject or the audience or an added role). */
    private static String altered(String token, Random random) {
        String[] parts = token.split("\\.");
        String payload = new String(URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8);
        String changed = switch (random.nextInt(3)) {
            case 0 -> payload.replace("\"sub\":\"operator\"", "\"sub\":\"coordinator\"");
            case 1 -> payload.replaceFirst("\"exp\":(\\d+)", "\"exp\":9999999999");
            default -> payload.replace("{", "{\"groups\":[\"coordinator\"],");
        };
        return parts[0] + "." + URL.encodeToString(changed.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** The token's claims under a header that says {@code alg: none}, with no signature. */
    private static String unsigned(String token) {
        String header = "{\"alg\":\"none\",\"kid\":\"operator\",\"typ\":\"JWT\"}";
        return URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + token.split("\\.")[1] + ".";
    }

    private static String randomText(Random random) {
        byte[] bytes = new byte[8 + random.nextInt(64)];
        random.nextBytes(bytes);
        return URL.encodeToString(bytes);
    }
}
