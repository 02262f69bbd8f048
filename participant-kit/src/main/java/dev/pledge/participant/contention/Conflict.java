package dev.pledge.participant.contention;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.pledge.participant.contention.WaitRule.HolderKind;

/**
 * Why a prepare voted NO over a lock: the row it waited for, what held it, for how long, and the rule that ended
 * the wait. Sent with the NO vote; the coordinator retries an order whose every NO is a conflict.
 *
 * @param outcome     GIVE_WAY (the policy let the holder go first) or TIME_OUT (the prepare's time ran out)
 * @param row         the row waited for, as {@code table(key)}, or null when the wait ended before it was seen
 * @param holder      the branch (gid) holding it, or a description of the session that does
 * @param holderKind  PREPARED, PREPARING or SESSION
 * @param heldMs      how long the holder had held its branch (prepared, or preparing) when the wait ended
 * @param waitedMs    how long this prepare waited
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Conflict(WaitRule.Outcome outcome, String row, String holder, HolderKind holderKind, Long heldMs,
                       long waitedMs, String policy, String rule) {

    /** The vote's reason, for people: what was waited for, held by whom, and what ended the wait. */
    public String reason() {
        String what = row == null ? "a row lock" : row;
        String by = holder == null ? " (its holder was not seen)"
                : ", held by " + describe();
        return switch (outcome) {
            case GIVE_WAY -> "lock conflict on " + what + by + "; " + rule + " (waited " + waitedMs + " ms)";
            case TIME_OUT, WAIT -> "lock wait timed out after " + waitedMs + " ms on " + what + by + "; " + rule;
        };
    }

    private String describe() {
        return switch (holderKind) {
            case PREPARED -> "branch " + holder + " (prepared " + heldMs + " ms ago, waiting for its decision)";
            case PREPARING -> "branch " + holder + " (still preparing, for " + heldMs + " ms)";
            case SESSION -> holder;
        };
    }
}
