package dev.pledge.dashboard.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.dashboard.service.Live;

/** The page's live updates, as server-sent events. */
@Path("/api/stream")
@Tag(name = "Dashboard")
public class StreamResource {
    @Inject
    Live live;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Events: activity (changed ids), services, experiment, experiment-done, restart")
    public void stream(@Context SseEventSink sink, @Context Sse sse) {
        live.register(sink, sse);
    }
}
