package dev.pledge.participant.threephase;

import java.sql.SQLException;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.participant.BranchService;
import dev.pledge.participant.api.BranchView;

/** Three-phase commit, participant side. do-commit is the same COMMIT PREPARED as a two-phase commit. */
@Path("/branches/{gid}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Branches")
public class ThreePhaseResource {

    @Inject
    ThreePhaseService threePhase;
    @Inject
    BranchService branches;

    @POST
    @Path("/can-commit")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "3PC: do the business change, PREPARE TRANSACTION and vote; remember coordinator and peers")
    public BranchView canCommit(@PathParam("gid") String gid, @Valid @NotNull CanCommitRequest body) throws SQLException {
        return threePhase.canCommit(gid, body);
    }

    @POST
    @Path("/pre-commit")
    @Operation(summary = "3PC: everyone voted YES; from now on a timeout commits")
    public BranchView preCommit(@PathParam("gid") String gid) throws SQLException {
        return threePhase.preCommit(gid);
    }

    @POST
    @Path("/do-commit")
    @Operation(summary = "3PC: COMMIT PREPARED; repeating it is harmless")
    public BranchView doCommit(@PathParam("gid") String gid) throws SQLException {
        return branches.commit(gid);
    }
}
