package dev.pledge.participant.threephase;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** This participant's suspicion of each coordinator it has pending three-phase branches with. */
@Path("/admin/coordinators")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class CoordinatorWatchResource {

    @Inject
    CoordinatorWatch watch;

    @GET
    @Operation(summary = "Coordinator URL -> phi, for coordinators with pending 3PC branches (empty when none)")
    public Map<String, Double> suspicion() {
        return watch.suspicion();
    }
}
