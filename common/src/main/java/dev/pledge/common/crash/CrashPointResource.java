package dev.pledge.common.crash;

import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Arms and disarms this service's named crash points (fault injection for experiments and tests). */
@Path("/admin/crash-points")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class CrashPointResource {

    public record CrashPointsView(Set<String> known, String armed) {
    }

    @Inject
    CrashPoints crashPoints;

    @GET
    @Operation(summary = "The crash points this service knows, and the one armed")
    public CrashPointsView get() {
        return view();
    }

    @PUT
    @Path("/{point}")
    @Operation(summary = "Arm a crash point: the next transaction that reaches it halts the process")
    public CrashPointsView arm(@PathParam("point") String point) {
        crashPoints.arm(point);
        return view();
    }

    @DELETE
    @Operation(summary = "Disarm the armed crash point")
    public CrashPointsView disarm() {
        crashPoints.disarm();
        return view();
    }

    private CrashPointsView view() {
        return new CrashPointsView(crashPoints.known(), crashPoints.armed().orElse(null));
    }
}
