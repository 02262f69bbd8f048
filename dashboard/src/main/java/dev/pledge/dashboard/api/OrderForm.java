package dev.pledge.dashboard.api;

import java.math.BigDecimal;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An order from the page. The protocol and flow are checked here; the order's own fields are checked by the
 * service that runs it, which answers with the same problem details as to any other client.
 */
public record OrderForm(
        @NotNull @Pattern(regexp = "(?i)2pc|3pc|saga", message = "must be 2pc, 3pc or saga") String protocol,
        @Pattern(regexp = "sequential|parallel|forward-recovery|choreography",
                message = "must be sequential, parallel, forward-recovery or choreography") String flow,
        @NotNull String sku,
        @NotNull Integer qty,
        @NotNull String account,
        @NotNull BigDecimal amount) {

    boolean isSaga() {
        return protocol.equalsIgnoreCase("saga");
    }
}
