package dev.pledge.participant.threephase;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.participant.Locking;

/**
 * Three-phase commit's first message: the operation, as in a two-phase prepare, plus what the participant
 * needs to finish on its own: the coordinator to watch and the peers to ask.
 */
public record CanCommitRequest(
        @NotNull JsonNode operation,
        @Min(value = 1, message = "must be at least 1") @Max(value = 600_000, message = "must be at most 600000") Long timeoutMs,
        @NotNull @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an absolute http(s) URL") String coordinatorUrl,
        @NotNull @Size(min = 1, max = 16, message = "must list 1 to 16 branches") List<@Valid @NotNull Peer> peers,
        @Valid Locking locking) {
}
