package dev.pledge.participant.api;

import java.sql.SQLException;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.pledge.common.crash.Lab;
import dev.pledge.common.fencing.Epochs;
import dev.pledge.identity.Roles;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who may decide a branch: the coordinator alone. The one exception is the lab's: with the lab switch on, an
 * operator may prepare and end a branch of its own, named {@value #PROBE_PREFIX}..., as the blocking experiment's
 * second order does; no transaction of the coordinator has such a name. An operator who must end a coordinator's
 * transaction forces it through the coordinator ({@code POST /transactions/{id}/force}), which logs it.
 */
@ApplicationScoped
public class BranchCallers {
    public static final String PROBE_PREFIX = "probe-";

    @Inject
    SecurityIdentity identity;
    @ConfigProperty(name = Lab.ENABLED, defaultValue = "false")
    boolean lab;

    /** Refuses (403) unless the caller may prepare, commit or abort this branch (any verb of 2PC or 3PC). */
    public void mayDecide(String gid) {
        if (identity.hasRole(Roles.COORDINATOR) || labProbe(gid)) {
            return;
        }
        refuse(gid);
    }

    /**
     * Pre-commit: the coordinator's, or, during the 3PC termination protocol, a peer's that the coordinator named
     * among the branch's peers at can-commit.
     */
    public void mayPreCommit(String gid, RecordedPeers recordedPeers) throws SQLException {
        // the peers are read only for a participant caller: the coordinator's pre-commits cost no extra query
        if (identity.hasRole(Roles.COORDINATOR) || labProbe(gid)
                || identity.hasRole(Roles.PARTICIPANT) && recordedPeers.read().contains(identity.getPrincipal().getName())) {
            return;
        }
        refuse(gid);
    }

    /** The peers the coordinator recorded for a branch at can-commit, read from the branch's store. */
    @FunctionalInterface
    public interface RecordedPeers {
        Set<String> read() throws SQLException;
    }

    /**
     * An epoch fences a branch for good (calls of older epochs are refused from then on), so only the coordinator
     * may give one: anyone else could lock the coordinator out of its own branch.
     */
    public void mayFence(String gid, Long epoch) {
        if (epoch != null && !identity.hasRole(Roles.COORDINATOR)) {
            throw new ForbiddenException(identity.getPrincipal().getName() + " may not give an epoch for branch " + gid
                    + ": only the coordinator fences a branch (leave the " + Epochs.HEADER + " header out)");
        }
    }

    private boolean labProbe(String gid) {
        return identity.hasRole(Roles.OPERATOR) && lab && gid.startsWith(PROBE_PREFIX);
    }

    private void refuse(String gid) {
        String who = identity.getPrincipal().getName();
        throw new ForbiddenException(who + " may not prepare, commit or abort branch " + gid + ": only the coordinator"
                + " decides a branch" + (identity.hasRole(Roles.OPERATOR)
                        ? "; an operator forces a transaction's outcome through the coordinator (POST /transactions/{id}/force)"
                        : ""));
    }
}
