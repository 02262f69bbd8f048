package dev.pledge.coordinator.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.pledge.common.problem.Problem;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.common.problem.ProblemMappers;
import dev.pledge.coordinator.log.TakenOver;

/** A replica that lost a transaction to another one answers 503 with its own problem type, so a client may ask again. */
public class TakenOverMapper {

    @ServerExceptionMapper
    public Response takenOver(TakenOver e, UriInfo uri) {
        return new ProblemMappers().problem(new ProblemException(503, "Service Unavailable", e.getMessage()
                + "; GET /transactions/" + e.id() + " shows how it ends", Problem.TAKEN_OVER), uri);
    }
}
