package dev.pledge.common.crash;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.resteasy.reactive.server.EndpointDisabled;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.identity.Audit;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.identity.Roles;

/**
 * Arms and disarms this service's named crash points (fault injection for experiments and tests). Only with
 * the lab switch on; arming, pausing and disarming take an operator, and each is written to the audit log.
 */
@EndpointDisabled(name = Lab.ENABLED, stringValue = "false", disableIfMissing = true)
@Path("/admin/crash-points")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class CrashPointResource {

    /** @param paused pauses set and not yet taken: point -> milliseconds */
    public record CrashPointsView(Set<String> known, String armed, Map<String, Long> paused) {
    }

    @Inject
    CrashPoints crashPoints;
    @Inject
    Audit audit;

    @GET
    @Operation(summary = "The crash points this service knows, and the one armed")
    public CrashPointsView get() {
        return view();
    }

    @PUT
    @Path("/{point}")
    @Operation(summary = "Arm a crash point: the next transaction that reaches it halts the process")
    @RolesAllowed({Roles.OPERATOR, Roles.LAB})
    public CrashPointsView arm(@PathParam("point") String point) {
        crashPoints.arm(point);
        audit.record("armed crash point " + point);
        return view();
    }

    @PUT
    @Path("/{point}/pause")
    @Operation(summary = "Set a one-time pause at a point: the next transaction that reaches it waits there"
            + " for the given milliseconds (1 to 60000), then goes on")
    @RolesAllowed({Roles.OPERATOR, Roles.LAB})
    public CrashPointsView pause(@PathParam("point") String point, @QueryParam("millis") Long millis) {
        if (millis == null) {
            throw ProblemException.badRequest("give the pause as ?millis=N (1 to " + CrashPoints.MAX_PAUSE.toMillis() + ")");
        }
        crashPoints.pause(point, Duration.ofMillis(millis));
        audit.record("set a pause of " + millis + " ms at " + point);
        return view();
    }

    @DELETE
    @Operation(summary = "Disarm the armed crash point and clear every pause")
    @RolesAllowed({Roles.OPERATOR, Roles.LAB})
    public CrashPointsView disarm() {
        crashPoints.disarm();
        audit.record("disarmed the crash points and cleared the pauses");
        return view();
    }

    private CrashPointsView view() {
        Map<String, Long> paused = new TreeMap<>();
        crashPoints.pauses().forEach((point, pause) -> paused.put(point, pause.toMillis()));
        return new CrashPointsView(crashPoints.known(), crashPoints.armed().orElse(null), paused);
    }
}
