package dev.pledge.participant;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import dev.pledge.common.contention.LockPolicy;
import dev.pledge.common.contention.Priority;

/**
 * How a prepare treats rows other branches hold: the coordinator's lock policy and the order's age. Without it a
 * prepare waits for a held row until its time runs out (policy {@code wait}).
 *
 * @param policy       wait, ordered, wait-die or no-wait
 * @param begunAt      when the order's first attempt began
 * @param firstAttempt the first attempt's transaction id, which breaks ties between orders begun at one instant
 */
public record Locking(
        @NotNull @Pattern(regexp = "wait|ordered|wait-die|no-wait", message = "must be wait, ordered, wait-die or no-wait") String policy,
        @NotNull Instant begunAt,
        @NotNull UUID firstAttempt) {

    public LockPolicy lockPolicy() {
        return LockPolicy.of(policy);
    }

    public Priority priority() {
        return new Priority(begunAt, firstAttempt);
    }
}
