package dev.pledge.dashboard.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Which experiment to run: {@code blocking} (with a protocol) or {@code saga-compare} (with a failure and orders). */
public record ExperimentRequest(
        @NotNull @Pattern(regexp = "blocking|saga-compare", message = "must be blocking or saga-compare") String type,
        @Pattern(regexp = "2pc|3pc", message = "must be 2pc or 3pc") String protocol,
        @Pattern(regexp = "none|payment-declined|out-of-stock|payment-timeout",
                message = "must be none, payment-declined, out-of-stock or payment-timeout") String failure,
        @Min(value = 1, message = "must be at least 1") @Max(value = 100, message = "must be at most 100") Integer orders) {
}
