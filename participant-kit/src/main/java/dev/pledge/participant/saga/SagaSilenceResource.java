package dev.pledge.participant.saga;

import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.resteasy.reactive.server.EndpointDisabled;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.crash.Lab;
import dev.pledge.common.identity.Audit;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.identity.Roles;
import dev.pledge.participant.action.BusinessAction;

/**
 * Fault injection for sagas: make this participant drop one kind of saga command, then speak again. Only with
 * the lab switch on; changes take an operator and are written to the audit log.
 */
@EndpointDisabled(name = Lab.ENABLED, stringValue = "false", disableIfMissing = true)
@Path("/admin/saga-silence")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fault injection")
public class SagaSilenceResource {

    @Inject
    SagaSilence silence;
    @Inject
    BusinessAction<?> action;
    @Inject
    Audit audit;

    @GET
    @Operation(summary = "The saga verbs this participant drops")
    public Set<String> silenced() {
        return silence.silenced();
    }

    @PUT
    @Path("/{verb}")
    @Operation(summary = "Drop saga commands with this verb, without effect or reply")
    @RolesAllowed({Roles.OPERATOR, Roles.LAB})
    public Set<String> silence(@PathParam("verb") String verb) {
        if (action.sagaVerbs().use(verb).isEmpty()) {
            throw ProblemException.badRequest("unknown saga action '" + verb + "'; this participant knows "
                    + action.sagaVerbs());
        }
        silence.silence(verb);
        audit.record("silenced saga verb " + verb);
        return silence.silenced();
    }

    @DELETE
    @Path("/{verb}")
    @Operation(summary = "Handle saga commands with this verb again")
    @RolesAllowed({Roles.OPERATOR, Roles.LAB})
    public Set<String> speak(@PathParam("verb") String verb) {
        if (action.sagaVerbs().use(verb).isEmpty()) {
            throw ProblemException.badRequest("unknown saga action '" + verb + "'; this participant knows "
                    + action.sagaVerbs());
        }
        silence.speak(verb);
        audit.record("let saga verb " + verb + " speak again");
        return silence.silenced();
    }
}
