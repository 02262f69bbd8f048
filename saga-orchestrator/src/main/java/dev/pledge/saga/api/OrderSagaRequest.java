package dev.pledge.saga.api;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** An order to run as a saga: take qty units of sku, charge amount to account, by the given flow. */
public record OrderSagaRequest(
        @NotNull @Pattern(regexp = "[A-Z0-9][A-Z0-9-]{0,31}", message = "must be 1-32 upper-case letters, digits or '-'") String sku,
        @NotNull @Min(value = 1, message = "must be at least 1") @Max(value = 10_000, message = "must be at most 10000") Integer qty,
        @NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,31}", message = "must be 1-32 lower-case letters, digits or '-'") String account,
        @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "1000000000", message = "must be at most 1000000000")
        @Digits(integer = 10, fraction = 2, message = "must have at most 2 decimal places") BigDecimal amount,
        String flow) {
}
