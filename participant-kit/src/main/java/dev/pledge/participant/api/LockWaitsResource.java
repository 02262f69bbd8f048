package dev.pledge.participant.api;

import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.participant.contention.LockWatch;

/**
 * The prepares that wait for a row lock here now, each with what holds the row: this participant's half of the
 * wait-for graph. Put beside the other participants' halves (by transaction id), it shows a distributed
 * deadlock that neither database can see.
 */
@Path("/admin/lock-waits")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class LockWaitsResource {
    @Inject
    LockWatch watch;

    @GET
    @Operation(summary = "Prepares waiting for a row lock: the row (table(key)), how long they have waited, the lock policy,"
            + " the order's age, and what holds the row (a prepared branch, another prepare, or a local session)")
    public List<LockWatch.Wait> list() throws SQLException {
        return watch.waits();
    }
}
