package dev.pledge.participant.threephase;

import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.participant.BranchService;
import dev.pledge.participant.api.BranchView;
import dev.pledge.participant.protocol.BranchState;

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
            throw ProblemException.badRequest("peers are not valid JSON: " + e.getOriginalMessage());
        }
        return branches.prepare(gid, request.operation(), request.timeoutMs());
    }

    public BranchView preCommit(String gid) throws SQLException {
        BranchView now = branches.get(gid);
        if (now.state() == BranchState.PRECOMMITTED || now.state() == BranchState.COMMITTED) {
            return now; // a repeated or late pre-commit
        }
        if (!now.state().canMoveTo(BranchState.PRECOMMITTED)) {
            throw ProblemException.conflict("branch " + gid + " is " + now.state() + "; it cannot pre-commit");
        }
        store.markPrecommitted(gid);
        return new BranchView(gid, BranchState.PRECOMMITTED, null, null);
    }
}
