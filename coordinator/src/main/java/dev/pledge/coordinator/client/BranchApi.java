package dev.pledge.coordinator.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

/** A participant's protocol endpoints (see participant-kit's BranchResource). */
@Path("/branches/{gid}")
@Produces(MediaType.APPLICATION_JSON)
public interface BranchApi {

    /** What a participant answers: its branch state and, for a prepare, its vote. */
    record BranchReply(String gid, String state, String vote, String reason) {
    }

    /** The operation, and how long the coordinator waits for this vote (the participant's lock-wait bound). */
    record PrepareBody(JsonNode operation, long timeoutMs) {
    }

    @POST
    @Path("/prepare")
    @Consumes(MediaType.APPLICATION_JSON)
    BranchReply prepare(@PathParam("gid") String gid, PrepareBody body);

    @POST
    @Path("/commit")
    BranchReply commit(@PathParam("gid") String gid);

    @POST
    @Path("/abort")
    BranchReply abort(@PathParam("gid") String gid);
}
