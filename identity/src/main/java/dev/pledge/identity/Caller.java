package dev.pledge.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Everyone who calls a Pledge service, each with a signing key of its own. The key id of a token is the
 * caller's name, and a service takes the caller's role from this table, never from the token's claims: a token
 * signed with inventory's key is inventory's, whatever it says.
 */
public enum Caller {
    COORDINATOR("coordinator", Roles.COORDINATOR),
    INVENTORY("inventory", Roles.PARTICIPANT),
    PAYMENT("payment", Roles.PARTICIPANT),
    SAGA_ORCHESTRATOR("saga-orchestrator", Roles.ORCHESTRATOR),
    DASHBOARD("dashboard", Roles.LAB),
    OPERATOR("operator", Roles.OPERATOR);

    /** The issuer every token names. */
    public static final String ISSUER = "pledge";

    /**
     * Audiences: whom a token is for. A service accepts only tokens that name it, by its caller name
     * ({@code coordinator}, {@code inventory}, ...): a token the coordinator sent to inventory is no good at payment.
     */
    public static final String FOR_COORDINATOR = "coordinator";
    /** Every audience: the operator's tools talk to every service. */
    public static final List<String> EVERY_SERVICE = List.of("coordinator", "inventory", "payment", "saga-orchestrator",
            "dashboard");

    private final String id;
    private final String role;

    Caller(String id, String role) {
        this.id = id;
        this.role = role;
    }

    /** The caller's name: its tokens' subject and key id, and its key file's name. */
    public String id() {
        return id;
    }

    public String role() {
        return role;
    }

    public static Optional<Caller> named(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }
}
