package dev.pledge.dashboard.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.dashboard.service.Experiments;

/** The blocking experiment and the saga comparison, run from the page against the local stack. */
@Path("/api/experiments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
public class ExperimentResource {
    @Inject
    Experiments experiments;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an experiment (one at a time); progress arrives as experiment events")
    public Response start(@Valid @NotNull ExperimentRequest request) {
        Map<String, Object> args = new LinkedHashMap<>();
        List<String> cli;
        if (request.type().equals("blocking")) {
            if (request.protocol() == null) {
                throw ProblemException.badRequest("protocol is required for the blocking experiment: 2pc or 3pc");
            }
            args.put("protocol", request.protocol());
            cli = List.of("experiment", "blocking", "--protocol", request.protocol(), "--json");
        } else {
            String failure = request.failure() == null ? "none" : request.failure();
            int orders = request.orders() == null ? 5 : request.orders();
            args.put("failure", failure);
            args.put("orders", orders);
            cli = List.of("saga", "compare", "--failure", failure, "--orders", Integer.toString(orders), "--json");
        }
        Experiments.Run run = experiments.start(request.type(), args, cli);
        return Response.accepted(Map.of("runId", run.runId())).build();
    }

    @GET
    @Operation(summary = "The latest run, or 204 when none has run")
    public Response latest() {
        return experiments.latest().map(r -> Response.ok(r).build()).orElse(Response.noContent().build());
    }

    @GET
    @Path("/{runId}")
    @Operation(summary = "One run: its progress lines and, once done, its report")
    public Experiments.Run get(@PathParam("runId") String runId) {
        return experiments.find(runId).orElseThrow(() -> ProblemException.notFound("no experiment run " + runId));
    }
}
