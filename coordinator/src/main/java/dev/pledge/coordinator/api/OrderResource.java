package dev.pledge.coordinator.api;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.ParticipantsConfig;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.protocol.Protocol;

/** The convenience form of a global transaction: an order with an inventory and a payment branch. */
@Path("/orders")
@Tag(name = "Orders")
public class OrderResource {

    @Inject
    IdempotentBegin begin;
    @Inject
    ParticipantsConfig participants;
    @Inject
    CoordinatorConfig config;
    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reserve stock and charge an account in one global transaction")
    public Response submit(@HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
                           @Parameter(description = "return=minimal: answer with the state and outcome only (RFC 7240)")
                           @HeaderParam("Prefer") String prefer, @Valid @NotNull OrderRequest order) {
        List<BranchSpec> branches = List.of(
                new BranchSpec("inventory", participants.url("inventory").orElseThrow(),
                        json.createObjectNode().put("sku", order.sku()).put("qty", order.qty()).toString()),
                new BranchSpec("payment", participants.url("payment").orElseThrow(),
                        json.createObjectNode().put("account", order.account())
                                .put("amount", order.amount().toPlainString()).toString()));
        Duration timeout = order.timeoutMs() == null ? config.defaultTransactionTimeout() : Duration.ofMillis(order.timeoutMs());
        return begin.begin(idempotencyKey, prefer, "POST /orders " + order.canonical(), Protocol.of(order.protocol()), branches,
                timeout);
    }
}
