package dev.pledge.participant.api;

import java.sql.SQLException;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.participant.BranchService;

/** The participant's protocol endpoints, one resource per branch (global transaction id). */
@Path("/branches/{gid}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Branches", description = "Two-phase commit, participant side")
public class BranchResource {

    @Inject
    BranchService branches;

    @GET
    @Operation(summary = "State of a branch: PREPARED, COMMITTED or ABORTED")
    public BranchView get(@PathParam("gid") String gid) throws SQLException {
        return branches.get(gid);
    }

    @POST
    @Path("/prepare")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Do the business change and vote: YES ends it with PREPARE TRANSACTION, NO rolls it back")
    public BranchView prepare(@PathParam("gid") String gid, @Valid @NotNull PrepareRequest body) throws SQLException {
        return branches.prepare(gid, body.operation(), body.timeoutMs());
    }

    @POST
    @Path("/commit")
    @Operation(summary = "COMMIT PREPARED; repeating it is harmless")
    public BranchView commit(@PathParam("gid") String gid) throws SQLException {
        return branches.commit(gid);
    }

    @POST
    @Path("/abort")
    @Operation(summary = "ROLLBACK PREPARED, or refuse any later prepare when none happened yet")
    public BranchView abort(@PathParam("gid") String gid) throws SQLException {
        return branches.abort(gid, "aborted by the coordinator");
    }
}
