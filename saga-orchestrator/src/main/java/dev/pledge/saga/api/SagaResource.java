package dev.pledge.saga.api;

import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.saga.config.SagaConfig;
import dev.pledge.saga.protocol.Flow;
import dev.pledge.saga.protocol.SagaDefinition;
import dev.pledge.saga.protocol.SagaState;
import dev.pledge.saga.service.Order;
import dev.pledge.saga.service.SagaEndings;
import dev.pledge.saga.service.SagaReads;
import dev.pledge.saga.service.SagaStarter;
import dev.pledge.saga.store.SagaStore;

@Path("/sagas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sagas")
public class SagaResource {

    @Inject
    SagaStarter starter;
    @Inject
    SagaReads reads;
    @Inject
    SagaDefinition definition;
    @Inject
    SagaConfig config;
    @Inject
    SagaEndings endings;

    @POST
    @Path("/orders")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an order saga: reserve stock, charge the account, confirm; compensated on failure",
            description = "Answers 202 at once with the saga as it starts; follow it at the Location given.")
    public Response start(@HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
                          @Valid @NotNull OrderSagaRequest request) throws SQLException {
        Flow flow = request.flow() == null ? Flow.SEQUENTIAL : Flow.of(request.flow()).orElseThrow(() ->
                ProblemException.badRequest("flow must be one of " + Flow.labels() + ", not '" + request.flow() + "'"));
        Order order = new Order(request.sku(), request.qty(), request.account(), request.amount());
        Optional<IdempotencyKey> key = IdempotencyKey.of(idempotencyKey, "POST /sagas/orders " + String.join("|",
                order.sku(), Integer.toString(order.qty()), order.account(), order.amount().stripTrailingZeros().toPlainString(),
                flow.label()));
        return IdempotencyKey.<Response, SQLException>once(key, this::earlier, () -> {
            UUID id = starter.start(order, flow, key.orElse(null));
            return Response.accepted(view(id)).location(URI.create("/sagas/" + id)).build();
        });
    }

    /**
     * A repeat of the request that started a saga answers with that saga, as it stands now; the same key
     * with a different request is refused.
     */
    private Optional<Response> earlier(IdempotencyKey key) throws SQLException {
        Optional<SagaStore.Keyed> first = reads.byIdempotencyKey(key.key());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        String location = "/sagas/" + first.get().id();
        if (!key.requestHash().equals(first.get().requestHash())) {
            throw key.mismatch(location);
        }
        return Optional.of(Response.accepted(view(first.get().id())).location(URI.create(location))
                .header(IdempotencyKey.REPLAYED_HEADER, "true").build());
    }

    @GET
    @Operation(summary = "Saga instances, newest first, optionally only those in one status")
    public List<SagaView> list(@QueryParam("limit") @DefaultValue("50") @Min(1) @Max(1000) int limit,
                               @QueryParam("status") String status) throws SQLException {
        String wanted = null;
        if (status != null) {
            wanted = status.toUpperCase(Locale.ROOT);
            try {
                SagaState.Status.valueOf(wanted);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("status must be one of " + Arrays.toString(SagaState.Status.values()));
            }
        }
        return reads.list(wanted, limit).stream()
                .map(s -> SagaView.of(s, definition, config.attentionAfterAttempts(), null)).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A saga with its steps and timeline (every command, reply, retry, timeout and compensation)",
            description = "With waitMs, answers once the saga has ended or after that many milliseconds, whichever is first.")
    public SagaView get(@PathParam("id") String id,
                        @QueryParam("waitMs") @DefaultValue("0") @Min(value = 0, message = "must be at least 0")
                        @Max(value = 30_000, message = "must be at most 30000") long waitMs)
            throws SQLException, InterruptedException {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("saga id must be a UUID, not '" + id + "'");
        }
        if (waitMs > 0) {
            endings.await(uuid, Duration.ofMillis(waitMs), () -> ended(uuid));
        }
        return view(uuid);
    }

    private boolean ended(UUID id) {
        try {
            return reads.ended(id).orElseThrow(() -> ProblemException.notFound("no saga " + id));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read saga " + id + ": " + e.getMessage(), e);
        }
    }

    private SagaView view(UUID id) throws SQLException {
        SagaReads.Found found = reads.find(id).orElseThrow(() -> ProblemException.notFound("no saga " + id));
        return SagaView.of(found.saga(), definition, config.attentionAfterAttempts(), found.timeline());
    }
}
