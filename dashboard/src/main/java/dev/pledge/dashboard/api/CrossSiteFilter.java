package dev.pledge.dashboard.api;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.pledge.common.problem.ProblemException;

/** Refuses, with 403 and problem+json and before any resource runs, what {@link CrossSite} refuses. */
public class CrossSiteFilter {
    @ServerRequestFilter(preMatching = true)
    public void refuseForgedRequests(ContainerRequestContext request) {
        CrossSite.refusal(request.getMethod(), request.getHeaderString("Sec-Fetch-Site"),
                request.getHeaderString("Origin"), request.getHeaderString("Host")).ifPresent(why -> {
                    throw new ProblemException(403, "Forbidden", why);
                });
    }
}
