package dev.pledge.common.problem;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Turns every error a resource can raise into an RFC 9457 problem details response. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.toProblem(), uri);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field)).toList();
        String detail = errors.stream().map(f -> f.field() + " " + f.message())
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return respond(new Problem("about:blank", "Bad Request", 400, detail, null, errors), uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return malformed(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unmappable(JsonMappingException e, UriInfo uri) {
        return malformed(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unparsable(JsonProcessingException e, UriInfo uri) {
        return malformed(e, uri);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        return withChallenge(respond(Problem.of(401, "Unauthorized", "This call needs a valid token of a Pledge caller"
                + " (Authorization: Bearer ...)" + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + ". See docs/security.md."), uri));
    }

    @ServerExceptionMapper(priority = 1)
    public Response anonymous(UnauthorizedException e, UriInfo uri) {
        return withChallenge(respond(Problem.of(401, "Unauthorized", "This call needs a token of a Pledge caller"
                + " (Authorization: Bearer ...), and it came without one. See docs/security.md."), uri));
    }

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of(403, "Forbidden", e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage()
                : "The caller's role may not make this call. See docs/security.md for who may call what."), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformed(json, uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage()), uri);
    }

    /** The details are the service's to read, not the client's: the answer says where to find them. */
    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        LOG.errorf(e, "unexpected error %s on %s", ref, uri.getPath());
        return respond(Problem.of(500, "Internal Server Error", "The request could not be completed: something failed"
                + " inside the service. Its log has the details under \"unexpected error " + ref + "\"."), uri);
    }

    private static Response malformed(JsonProcessingException e, UriInfo uri) {
        return respond(Problem.of(400, "Bad Request", JsonErrorText.of("Malformed JSON body", e)), uri);
    }

    private static String field(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        // drop the method and parameter names of a resource method ("create.order.qty" -> "qty")
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", List.of(parts).subList(2, parts.length)) : parts[parts.length - 1];
    }

    private static Response withChallenge(Response r) {
        r.getHeaders().putSingle("WWW-Authenticate", "Bearer realm=\"pledge\"");
        return r;
    }

    private static Response respond(Problem p, UriInfo uri) {
        Problem withInstance = new Problem(p.type(), p.title(), p.status(), p.detail(),
                uri == null ? null : uri.getPath(), p.errors());
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(withInstance).build();
    }
}
