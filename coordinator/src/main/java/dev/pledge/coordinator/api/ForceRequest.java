package dev.pledge.coordinator.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An operator's decision for a stuck transaction, with who makes it and why. */
public record ForceRequest(
        @NotNull @Pattern(regexp = "COMMIT|ABORT", message = "must be COMMIT or ABORT") String outcome,
        @NotBlank @Size(max = 64, message = "must be at most 64 characters") String by,
        @NotBlank @Size(max = 500, message = "must be at most 500 characters") String reason) {
}
