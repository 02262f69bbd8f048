package dev.pledge.participant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.participant.contention.Conflict;

/**
 * A branch as a participant reports it: its state, and for a prepare the vote with the reason for a NO. A NO
 * given over a lock carries the {@link Conflict}: the coordinator retries such an order, and no other.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BranchView(String gid, BranchState state, Vote vote, String reason, Conflict conflict) {

    public enum Vote {
        YES, NO
    }

    public BranchView(String gid, BranchState state, Vote vote, String reason) {
        this(gid, state, vote, reason, null);
    }

    public static BranchView yes(String gid, BranchState state) {
        return new BranchView(gid, state, Vote.YES, null);
    }

    public static BranchView no(String gid, String reason) {
        return new BranchView(gid, BranchState.ABORTED, Vote.NO, reason);
    }
}
