package dev.pledge.participant.threephase;

import java.sql.SQLException;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.crash.CrashPoints;
import dev.pledge.common.fencing.Epochs;
import dev.pledge.participant.BranchService;
import dev.pledge.participant.store.BranchLocks;
import dev.pledge.participant.store.Fences;
import dev.pledge.participant.api.BranchCallers;
import dev.pledge.participant.BranchView;
import io.quarkus.security.Authenticated;

import static dev.pledge.participant.api.BranchResource.EPOCH_DOC;

/**
 * Three-phase commit, participant side. do-commit is the same COMMIT PREPARED as a two-phase commit.
 * Pre-commit and do-commit run under the branch's lock, their epoch checked under it too.
 */
@Path("/branches/{gid}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Branches")
public class ThreePhaseResource {

    @Inject
    ThreePhaseService threePhase;
    @Inject
    BranchService branches;
    @Inject
    Fences fences;
    @Inject
    BranchLocks locks;
    @Inject
    CrashPoints crashPoints;
    @Inject
    BranchCallers callers;
    @Inject
    ThreePhaseStore store;

    @POST
    @Path("/can-commit")
    @Authenticated // who may: BranchCallers
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "3PC: do the business change, PREPARE TRANSACTION and vote; remember coordinator and peers")
    public BranchView canCommit(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch,
            @Valid @NotNull CanCommitRequest body) throws SQLException {
        callers.mayDecide(gid);
        fences.admit(BranchService.checkGid(gid), epoch);
        return threePhase.canCommit(gid, body);
    }

    @POST
    @Path("/pre-commit")
    @Authenticated // who may: BranchCallers (a peer pre-commits during termination)
    @Operation(summary = "3PC: everyone voted YES; from now on a timeout commits")
    public BranchView preCommit(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch) throws SQLException {
        callers.mayFence(gid, epoch);
        callers.mayPreCommit(gid, () -> store.peerNames(BranchService.checkGid(gid)));
        BranchService.checkGid(gid);
        crashPoints.hit("before-precommit"); // a pause here stands for a pre-commit that is late on the wire
        return locks.with(gid, () -> {
            fences.admit(gid, epoch); // under the lock: no call of an older epoch can act after it
            return threePhase.preCommit(gid);
        });
    }

    @POST
    @Path("/do-commit")
    @Authenticated // who may: BranchCallers
    @Operation(summary = "3PC: COMMIT PREPARED; repeating it is harmless")
    public BranchView doCommit(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch) throws SQLException {
        callers.mayDecide(gid);
        return locks.with(BranchService.checkGid(gid), () -> {
            fences.admit(gid, epoch);
            return branches.commit(gid);
        });
    }
}
