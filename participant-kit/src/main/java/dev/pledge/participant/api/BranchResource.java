package dev.pledge.participant.api;

import java.sql.SQLException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.participant.BranchView;
import dev.pledge.common.fencing.Epochs;
import dev.pledge.identity.Roles;
import dev.pledge.participant.BranchService;
import dev.pledge.participant.store.BranchLocks;
import dev.pledge.participant.store.Fences;
import io.quarkus.security.Authenticated;

/** The participant's protocol endpoints, one resource per branch (global transaction id). */
@Path("/branches/{gid}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Branches", description = "Two-phase commit, participant side")
public class BranchResource {
    /** How the epoch header reads in the OpenAPI document of every protocol endpoint. */
    public static final String EPOCH_DOC = "The coordinator epoch the call is made under; a call older than one already"
            + " seen for the branch is refused (412, urn:pledge:problem:stale-epoch). Calls without it are not fenced.";

    @Inject
    BranchService branches;
    @Inject
    Fences fences;
    @Inject
    BranchLocks locks;
    @Inject
    BranchCallers callers;

    @GET
    @RolesAllowed({Roles.COORDINATOR, Roles.PARTICIPANT, Roles.OPERATOR})
    @Operation(summary = "State of a branch: PREPARED, PRECOMMITTED, COMMITTED or ABORTED. With an epoch (a coordinator"
            + " replica recovering the transaction), read under the branch's lock after raising its fence: no call of an"
            + " older epoch changes the branch after this answer")
    public BranchView get(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch) throws SQLException {
        callers.mayFence(gid, epoch);
        if (epoch == null) {
            return branches.get(gid);
        }
        return locks.with(BranchService.checkGid(gid), () -> {
            fences.admit(gid, epoch);
            return branches.get(gid);
        });
    }

    @POST
    @Path("/prepare")
    @Authenticated // who may: BranchCallers
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Do the business change and vote: YES ends it with PREPARE TRANSACTION, NO rolls it back")
    public BranchView prepare(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch,
            @Valid @NotNull PrepareRequest body) throws SQLException {
        callers.mayDecide(gid);
        fences.admit(BranchService.checkGid(gid), epoch);
        return branches.prepare(gid, body.operation(), body.timeoutMs(), body.locking());
    }

    @POST
    @Path("/commit")
    @Authenticated // who may: BranchCallers
    @Operation(summary = "COMMIT PREPARED; repeating it is harmless")
    public BranchView commit(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch) throws SQLException {
        callers.mayDecide(gid);
        fences.admit(BranchService.checkGid(gid), epoch);
        return branches.commit(gid);
    }

    @POST
    @Path("/abort")
    @Authenticated // who may: BranchCallers
    @Operation(summary = "ROLLBACK PREPARED, or refuse any later prepare when none happened yet")
    public BranchView abort(@PathParam("gid") String gid,
            @Parameter(description = EPOCH_DOC) @HeaderParam(Epochs.HEADER) Long epoch) throws SQLException {
        callers.mayDecide(gid);
        return locks.with(BranchService.checkGid(gid), () -> { // never beside a 3PC termination or pre-commit
            fences.admit(gid, epoch);
            return branches.abort(gid, "aborted by the coordinator");
        });
    }
}
