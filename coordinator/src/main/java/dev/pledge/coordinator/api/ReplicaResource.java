package dev.pledge.coordinator.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.service.Replicas;

/** The coordinator replicas sharing this log, as their leases show them. */
@Path("/admin/replicas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Replicas", description = "Coordinator replicas, their leases and the transactions each owns")
public class ReplicaResource {

    /** The replica that answered, and every lease in the table. */
    public record ReplicaList(String self, List<Leases.Lease> leases) {
    }

    @Inject
    Leases leases;
    @Inject
    Replicas replicas;

    @GET
    @Operation(summary = "Every replica's lease: node id, URL, expiry, whether it is live, and how many unfinished"
            + " transactions it owns")
    public ReplicaList list() {
        return new ReplicaList(replicas.nodeId(), leases.list());
    }
}
