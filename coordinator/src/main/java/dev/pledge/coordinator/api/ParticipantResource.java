package dev.pledge.coordinator.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.coordinator.client.ParticipantCalls;
import dev.pledge.coordinator.client.ParticipantWatch;

@Path("/participants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Participants")
public class ParticipantResource {

    @Inject
    ParticipantWatch watch;
    @Inject
    ParticipantCalls calls;

    @GET
    @Operation(summary = "Each known participant: its failure detector's suspicion level (phi) and circuit breaker")
    public List<ParticipantWatch.Liveness> list() {
        return watch.all(calls.circuits());
    }
}
