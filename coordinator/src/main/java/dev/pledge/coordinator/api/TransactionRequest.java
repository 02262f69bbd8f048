package dev.pledge.coordinator.api;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A global transaction in its general form: a protocol and the branches to run it over. */
public record TransactionRequest(
        @NotNull @Pattern(regexp = "(?i)[23]pc", message = "must be 2PC or 3PC") String protocol,
        @NotNull @Size(min = 1, max = 16, message = "must have 1 to 16 branches") List<@Valid @NotNull Branch> branches,
        @Min(value = 100, message = "must be at least 100") @Max(value = 600_000, message = "must be at most 600000") Long timeoutMs) {

    /**
     * One branch: a participant the coordinator knows by name (at its configured URL: another is refused, since
     * the coordinator's token goes only there), or one of the caller's own at the URL given, and the
     * operation that participant understands.
     */
    public record Branch(
            @NotNull @Pattern(regexp = "[a-z][a-z0-9-]{0,31}", message = "must be 1-32 lower-case letters, digits or '-'") String participant,
            @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an absolute http(s) URL") String url,
            @NotNull ObjectNode operation) {
    }
}
