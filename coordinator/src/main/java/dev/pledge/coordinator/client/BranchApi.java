package dev.pledge.coordinator.client;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.common.fencing.Epochs;

/**
 * A participant's protocol endpoints (see participant-kit's BranchResource), called asynchronously. Every call that acts on a branch
 * carries the epoch the transaction is driven under (see {@link Epochs}).
 */
@Path("/branches/{gid}")
@Produces(MediaType.APPLICATION_JSON)
public interface BranchApi {

    /**
     * What a participant answers: its branch state and, for a prepare, its vote; a NO given over a row lock
     * carries the conflict (which row, held by which branch, what ended the wait).
     */
    record BranchReply(String gid, String state, String vote, String reason, JsonNode conflict) {
        public BranchReply(String gid, String state, String vote, String reason) {
            this(gid, state, vote, reason, null);
        }
    }

    /** The lock policy the participant applies, and the order's age for wait-die. */
    record Locking(String policy, Instant begunAt, UUID firstAttempt) {
    }

    /**
     * The operation; how long the participant may take to vote (less than the coordinator listens, so a vote
     * always arrives); and how it treats rows other branches hold.
     */
    record PrepareBody(JsonNode operation, long timeoutMs, Locking locking) {
    }

    @POST
    @Path("/prepare")
    @Consumes(MediaType.APPLICATION_JSON)
    CompletionStage<BranchReply> prepare(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch, PrepareBody body);

    /** 3PC's can-commit: the operation plus the coordinator to watch and the peers to ask. */
    record CanCommitBody(JsonNode operation, long timeoutMs, String coordinatorUrl, java.util.List<Peer> peers,
                         Locking locking) {
    }

    record Peer(String participant, String url, String gid) {
    }

    @jakarta.ws.rs.GET
    CompletionStage<BranchReply> state(@PathParam("gid") String gid);

    /** The state, read under the epoch a transaction is driven under: older calls are refused from then on. */
    @jakarta.ws.rs.GET
    CompletionStage<BranchReply> state(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch);

    @POST
    @Path("/can-commit")
    @Consumes(MediaType.APPLICATION_JSON)
    CompletionStage<BranchReply> canCommit(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch, CanCommitBody body);

    @POST
    @Path("/pre-commit")
    CompletionStage<BranchReply> preCommit(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch);

    @POST
    @Path("/do-commit")
    CompletionStage<BranchReply> doCommit(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch);

    @POST
    @Path("/commit")
    CompletionStage<BranchReply> commit(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch);

    @POST
    @Path("/abort")
    CompletionStage<BranchReply> abort(@PathParam("gid") String gid, @HeaderParam(Epochs.HEADER) long epoch);
}
