package dev.pledge.coordinator.api;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** An order: take qty units of sku from inventory and charge amount to account, atomically. */
public record OrderRequest(
        @NotNull @Pattern(regexp = "[A-Z0-9][A-Z0-9-]{0,31}", message = "must be 1-32 upper-case letters, digits or '-'") String sku,
        @NotNull @Min(value = 1, message = "must be at least 1") @Max(value = 10_000, message = "must be at most 10000") Integer qty,
        @NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,31}", message = "must be 1-32 lower-case letters, digits or '-'") String account,
        @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "1000000000", message = "must be at most 1000000000")
        @Digits(integer = 10, fraction = 2, message = "must have at most 2 decimal places") BigDecimal amount,
        @NotNull @Pattern(regexp = "(?i)[23]pc", message = "must be 2PC or 3PC") String protocol,
        @Min(value = 100, message = "must be at least 100") @Max(value = 600_000, message = "must be at most 600000") Long timeoutMs) {

    /** The order as one line, the same for the same order however its JSON was written (10.0 or 10.00). */
    public String canonical() {
        return String.join("|", sku, qty.toString(), account, amount.stripTrailingZeros().toPlainString(),
                protocol.toUpperCase(java.util.Locale.ROOT), String.valueOf(timeoutMs));
    }
}
