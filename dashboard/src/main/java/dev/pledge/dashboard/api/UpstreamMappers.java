package dev.pledge.dashboard.api;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.common.problem.Problem;
import dev.pledge.dashboard.client.Unreachable;
import dev.pledge.dashboard.client.UpstreamProblem;

/** A service's own problem goes to the page as it was; a service that does not answer is a 502. */
public class UpstreamMappers {

    @ServerExceptionMapper
    public Response upstream(UpstreamProblem e) {
        Object body = e.body() instanceof ObjectNode o && o.has("title") && o.has("status")
                ? o : Problem.of(e.status(), "Upstream Error", e.getMessage());
        return Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    @ServerExceptionMapper
    public Response unreachable(Unreachable e) {
        return Response.status(502).type(Problem.MEDIA_TYPE).entity(Problem.of(502, "Bad Gateway", e.getMessage())).build();
    }
}
