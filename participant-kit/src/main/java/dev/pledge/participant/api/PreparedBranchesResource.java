package dev.pledge.participant.api;

import java.sql.SQLException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.identity.Roles;
import dev.pledge.participant.recovery.OrphanInquiry;
import dev.pledge.participant.store.PreparedBranches;

/** The prepared transactions this participant holds, with their locks: what in-doubt costs other orders. */
@Path("/admin/prepared-branches")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class PreparedBranchesResource {

    @Inject
    PreparedBranches prepared;
    @Inject
    OrphanInquiry inquiry;

    /** What one inquiry did. */
    public record InquiryResult(int aborted) {
    }

    @GET
    @Operation(summary = "Branches held prepared (oldest first), each with its table locks and the rows it changed")
    public List<PreparedBranches.Held> list() throws SQLException {
        return prepared.list();
    }

    @POST
    @Path("/inquiry")
    @RolesAllowed(Roles.OPERATOR) // it may abort branches: an operator's action
    @Operation(summary = "Asks the coordinator now about every prepared branch, whatever its age; aborts those it has"
            + " no record of (presumed abort). The same check runs by itself for branches held longer than"
            + " pledge.participant.inquiry.after")
    public InquiryResult inquire() throws SQLException {
        return new InquiryResult(inquiry.scanOnce(java.time.Duration.ZERO));
    }
}
