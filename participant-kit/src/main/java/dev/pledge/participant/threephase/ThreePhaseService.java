package dev.pledge.participant.threephase;

import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.JsonErrorText;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.participant.BranchService;
import dev.pledge.participant.BranchView;
import dev.pledge.participant.protocol.BranchMachine;
import dev.pledge.participant.protocol.BranchMachine.Request;
import dev.pledge.participant.protocol.BranchMachine.Verdict;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.participant.store.BranchLocks;

/**
 * The participant side of three-phase commit: can-commit prepares like two-phase commit (a real
 * PREPARE TRANSACTION) after recording the coordinator and the peers; pre-commit marks the branch as
 * told that everyone voted YES; do-commit is COMMIT PREPARED. If the coordinator goes quiet,
 * {@link Termination} finishes the branch without it.
 */
@ApplicationScoped
public class ThreePhaseService {

    @Inject
    BranchService branches;
    @Inject
    ThreePhaseStore store;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "pledge.participant.three-phase.wait-timeout", defaultValue = "3s")
    Duration waitTimeout;

    public BranchView canCommit(String gid, CanCommitRequest request) throws SQLException {
        BranchService.checkGid(gid);
        if (request.peers().stream().noneMatch(p -> p.gid().equals(gid))) {
            throw ProblemException.badRequest("peers must include this branch (" + gid + ")");
        }
        try {
            store.record(gid, request.coordinatorUrl(), json.writeValueAsString(request.peers()), waitTimeout.toMillis());
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(JsonErrorText.of("peers cannot be written as JSON", e));
        }
        return branches.prepare(gid, request.operation(), request.timeoutMs(), request.locking());
    }

    /**
     * Pre-commits a prepared branch. Called under the branch's lock ({@link BranchLocks}), so that it cannot
     * interleave with this participant's own termination protocol: a branch that has ended, or never prepared,
     * is refused (409), and the caller (the coordinator, or a peer terminating) learns it did not get there.
     */
    public BranchView preCommit(String gid) throws SQLException {
        BranchView now = branches.get(gid);
        if (BranchMachine.on(now.state(), Request.PRE_COMMIT) == Verdict.MOVE && store.markPrecommitted(gid)) {
            return new BranchView(gid, BranchState.PRECOMMITTED, null, null);
        }
        BranchView after = now.state() == BranchState.PREPARED ? branches.get(gid) : now; // not marked: ended meanwhile
        if (BranchMachine.on(after.state(), Request.PRE_COMMIT) == Verdict.ANSWER) {
            return new BranchView(gid, after.state(), null, null); // a repeated or late pre-commit
        }
        throw ProblemException.conflict(BranchMachine.refusal(gid, after.state(), Request.PRE_COMMIT, after.reason()));
    }
}
