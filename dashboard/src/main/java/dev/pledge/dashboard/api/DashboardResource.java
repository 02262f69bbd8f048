package dev.pledge.dashboard.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.dashboard.client.Services;
import dev.pledge.dashboard.client.Unreachable;
import dev.pledge.dashboard.config.DashboardConfig;
import dev.pledge.dashboard.service.Activity;
import dev.pledge.dashboard.service.Item;
import dev.pledge.dashboard.service.LockWaits;
import dev.pledge.dashboard.service.Overview;
import dev.pledge.dashboard.service.Prepared;
import dev.pledge.dashboard.service.Restarts;
import dev.pledge.dashboard.service.Timeline;
import dev.pledge.dashboard.service.Timelines;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

/** What the page reads (overview, activity, timelines) and the controls it offers (orders, crash points, restarts). */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dashboard")
public class DashboardResource {
    private static final Logger AUDIT = Logger.getLogger("pledge.audit");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final Pattern POINT = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    /** An order runs its whole protocol before it is answered; a vote may take the transaction timeout. */
    private static final Duration ORDER_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Services services;
    @Inject
    Activity activity;
    @Inject
    Prepared prepared;
    @Inject
    Overview overview;
    @Inject
    LockWaits lockWaits;
    @Inject
    Restarts restarts;
    @Inject
    ObjectMapper json;
    @Inject
    DashboardConfig config;
    @Inject
    SecurityIdentity caller;

    @GET
    @Path("/overview")
    @Operation(summary = "Services up or down, their crash points, and whether the local stack's controls are available")
    public Overview.View overview() {
        return overview.now();
    }

    @GET
    @Path("/lock-waits")
    @Operation(summary = "Prepares waiting for a row lock on each participant, with what holds each row: the wait-for graph's"
            + " edges, by transaction")
    public LockWaits.Reading lockWaits() {
        return lockWaits.read();
    }

    @GET
    @Path("/activity")
    @Operation(summary = "Transactions and sagas, newest first, filtered")
    public Activity.Listing activity(@QueryParam("kind") @DefaultValue("all") String kind,
                                     @QueryParam("protocol") String protocol, @QueryParam("state") String state,
                                     @QueryParam("q") String query, @QueryParam("inDoubt") boolean inDoubt,
                                     @QueryParam("limit") @DefaultValue("200") @Min(1) @Max(1000) int limit) {
        String k = switch (kind.toLowerCase(Locale.ROOT)) {
            case "all", "" -> null;
            case "transactions", "transaction" -> Item.TRANSACTION;
            case "sagas", "saga" -> Item.SAGA;
            default -> throw ProblemException.badRequest("kind must be all, transactions or sagas, not '" + kind + "'");
        };
        if (protocol != null && !protocol.isBlank() && !protocol.matches("(?i)2pc|3pc|saga")) {
            throw ProblemException.badRequest("protocol must be 2PC, 3PC or SAGA, not '" + protocol + "'");
        }
        return activity.list(new Activity.Filter(k, blankToNull(protocol), blankToNull(state), blankToNull(query),
                inDoubt, limit));
    }

    @GET
    @Path("/timeline/{kind}/{id}")
    @Operation(summary = "One transaction's or saga's swimlane: lanes and entries in time order")
    public Timeline timeline(@PathParam("kind") String kind, @PathParam("id") String id) {
        return unlinkedTimeline(kind, id).linked(config.traceUrl());
    }

    private Timeline unlinkedTimeline(String kind, String id) {
        if (!UUID_TEXT.matcher(id).matches()) {
            throw ProblemException.badRequest("id must be a UUID, not '" + id + "'");
        }
        String uuid = id.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case Item.TRANSACTION -> transactionTimeline(uuid);
            case Item.SAGA -> Timelines.ofSaga(services.get(Services.ORCHESTRATOR, "/sagas/" + uuid));
            default -> throw ProblemException.badRequest("kind must be transaction or saga, not '" + kind + "'");
        };
    }

    private Timeline transactionTimeline(String id) {
        Prepared.Reading held = prepared.read();
        try {
            return Timelines.ofTransaction(services.get(Services.COORDINATOR, "/transactions/" + id), held.of(id));
        } catch (Unreachable e) {
            if (held.of(id).isEmpty()) {
                throw e;
            }
            return Timelines.ofHeldOnly(id, held.of(id), java.time.Instant.now());
        }
    }

    @POST
    @Path("/orders")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit an order by 2PC, 3PC or a saga flow; answers with its id")
    public Response order(@Valid @NotNull OrderForm form) {
        ObjectNode body = json.createObjectNode().put("sku", form.sku()).put("qty", form.qty())
                .put("account", form.account());
        body.put("amount", form.amount());
        if (form.isSaga()) {
            if (form.flow() != null) {
                body.put("flow", form.flow());
            }
            JsonNode saga = services.post(Services.ORCHESTRATOR, "/sagas/orders", body, ORDER_TIMEOUT);
            return created(Item.SAGA, saga.path("id").asText(), saga.path("status").asText());
        }
        if (form.flow() != null) {
            throw ProblemException.badRequest("flow is for sagas only; 2PC and 3PC have none");
        }
        body.put("protocol", form.protocol().toUpperCase(Locale.ROOT));
        JsonNode tx;
        try {
            tx = services.post(Services.COORDINATOR, "/orders", body, ORDER_TIMEOUT);
        } catch (Unreachable e) {
            throw new ProblemException(502, "Bad Gateway", e.getMessage() + ". If it stopped mid-protocol (an armed"
                    + " crash point), the transaction is listed as in doubt while its participants hold it prepared");
        }
        return created(Item.TRANSACTION, tx.path("id").asText(), tx.path("state").asText());
    }

    private static Response created(String kind, String id, String state) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("kind", kind);
        out.put("id", id);
        out.put("state", state);
        return Response.status(201).entity(out).build();
    }

    @PUT
    @Path("/crash-points/{service}/{point}")
    @Operation(summary = "Arm a named crash point on a service (or, with pauseMillis, a one-time pause there)")
    public JsonNode arm(@PathParam("service") String service, @PathParam("point") String point,
                        @QueryParam("pauseMillis") @Min(1) @Max(60_000) Long pauseMillis,
                        @Context HttpServerRequest request) {
        String who = who(request); // first: a login that fails is refused before anything is done
        checkService(service);
        if (!POINT.matcher(point).matches()) {
            throw ProblemException.badRequest("crash point must be lower-case letters, digits and '-', not '" + point + "'");
        }
        String path = "/admin/crash-points/" + point + (pauseMillis == null ? "" : "/pause?millis=" + pauseMillis);
        JsonNode armed = services.put(service, path);
        AUDIT.infof("%s armed crash point %s on %s%s", who, point, service,
                pauseMillis == null ? "" : " (a pause of " + pauseMillis + " ms)");
        return armed;
    }

    @DELETE
    @Path("/crash-points/{service}")
    @Operation(summary = "Disarm a service's crash point and pauses")
    public JsonNode disarm(@PathParam("service") String service, @Context HttpServerRequest request) {
        String who = who(request);
        checkService(service);
        JsonNode disarmed = services.delete(service, "/admin/crash-points");
        AUDIT.infof("%s disarmed the crash points of %s", who, service);
        return disarmed;
    }

    @POST
    @Path("/services/{service}/restart")
    @Operation(summary = "Start a stopped component of the local stack again; progress arrives as restart events")
    public Response restart(@PathParam("service") String service, @Context HttpServerRequest request) {
        restarts.restart(service, who(request));
        return Response.accepted(Map.of("service", service)).build();
    }

    /**
     * Who asked, for the audit: the login, if the request carried one, and the address it came from (the
     * services' own audit names the dashboard's key, which signed the call on).
     */
    private String who(HttpServerRequest request) {
        var remote = request.remoteAddress();
        String at = remote == null ? "an unknown address" : remote.hostAddress();
        return caller.isAnonymous() ? "a dashboard user at " + at + " (no login)"
                : caller.getPrincipal().getName() + " (logged in) at " + at;
    }

    private void checkService(String service) {
        if (!services.isKnown(service)) {
            throw ProblemException.notFound("no service " + service + "; known: " + services.urls().keySet());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
