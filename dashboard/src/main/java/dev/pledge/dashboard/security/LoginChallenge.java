package dev.pledge.dashboard.security;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.Problem;
import io.quarkus.vertx.http.runtime.security.BasicAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * HTTP Basic as Quarkus reads it, with the refusal as every other refusal of Pledge's: 401 with a problem+json
 * body, and a challenge naming the realm so a browser asks for the dashboard's login.
 */
@ApplicationScoped
public class LoginChallenge extends BasicAuthenticationMechanism {
    static final String REALM = "Pledge dashboard";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LoginChallenge() {
        super(REALM, false);
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        String body;
        try {
            body = JSON.writeValueAsString(new Problem("about:blank", "Unauthorized", 401, "This dashboard needs"
                    + " its login from anywhere but this machine's loopback (PLEDGE_DASHBOARD_LOGIN_USER and"
                    + " PLEDGE_DASHBOARD_LOGIN_PASSWORD)", context.request().path(), null));
        } catch (JsonProcessingException e) {
            return super.sendChallenge(context);
        }
        context.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"")
                .putHeader("Content-Type", "application/problem+json")
                .end(body);
        return Uni.createFrom().item(true);
    }
}
