package dev.pledge.common.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * A request whose declared length is over {@code quarkus.http.limits.max-body-size} is refused with 413
 * and a problem body before any of it is read. (Quarkus' own check, which runs next, answers 413 with no
 * body; it still catches a chunked body that grows past the limit.)
 */
@ApplicationScoped
public class BodyLimit {
    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize limit;
    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        long max = limit.asLongValue();
        router.route().order(-3).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared <= max) {
                ctx.next();
                return;
            }
            Problem p = Problem.of(413, "Content Too Large", "the body is " + declared + " bytes; this service takes at most "
                    + max);
            p = new Problem(p.type(), p.title(), p.status(), p.detail(), ctx.request().path(), null);
            String body;
            try {
                body = json.writeValueAsString(p);
            } catch (JsonProcessingException e) {
                body = "{\"status\":413}";
            }
            ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close").end(body);
        });
    }
}
