package dev.pledge.participant.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.participant.Locking;

/**
 * The body of a prepare: the operation this participant's business action understands and, optionally,
 * how long the caller will wait for the vote. The business change then waits for locks no longer than
 * that (nor than the participant's own limit): a vote nobody waits for is no use. How it treats a row another
 * branch holds is the caller's lock policy ({@link Locking}); without one, it waits.
 */
public record PrepareRequest(@NotNull JsonNode operation,
                             @Min(value = 1, message = "must be at least 1") @Max(value = 600_000, message = "must be at most 600000") Long timeoutMs,
                             @Valid Locking locking) {
}
