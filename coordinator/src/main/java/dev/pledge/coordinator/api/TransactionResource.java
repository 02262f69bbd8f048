package dev.pledge.coordinator.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import dev.pledge.common.problem.Problem;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.ParticipantsConfig;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.protocol.TxState;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.service.Operator;

@Path("/transactions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Transactions")
public class TransactionResource {

    @Inject
    Transactions transactions;
    @Inject
    Operator operator;
    @Inject
    IdempotentBegin begin;
    @Inject
    ObjectMapper json;
    @Inject
    ParticipantsConfig participants;
    @Inject
    CoordinatorConfig config;
    @Inject
    SecurityIdentity caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a global transaction over the given branches; answers its outcome and timeline")
    public Response start(@HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
                          @Parameter(description = "return=minimal: answer with the state and outcome only (RFC 7240)")
                          @HeaderParam("Prefer") String prefer,
                          @Valid @NotNull TransactionRequest request) throws JsonProcessingException {
        List<BranchSpec> branches = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (TransactionRequest.Branch b : request.branches()) {
            if (!seen.add(b.participant())) {
                throw ProblemException.badRequest("participant '" + b.participant() + "' appears twice: one branch each");
            }
            Optional<String> configured = participants.url(b.participant());
            if (b.url() != null && configured.isPresent() && !configured.get().equals(b.url())) {
                throw ProblemException.badRequest("participant '" + b.participant() + "' is configured at "
                        + configured.get() + ": leave its url out, or name a participant of your own");
            }
            String url = b.url() != null ? b.url() : participants.url(b.participant()).orElseThrow(() ->
                    ProblemException.badRequest("unknown participant '" + b.participant() + "': give its url, or use one of "
                            + new TreeSet<>(participants.byName().keySet())));
            branches.add(new BranchSpec(b.participant(), url, b.operation().toString()));
        }
        Duration timeout = request.timeoutMs() == null ? config.defaultTransactionTimeout()
                : Duration.ofMillis(request.timeoutMs());
        return begin.begin(idempotencyKey, prefer, "POST /transactions " + json.writeValueAsString(request),
                Protocol.of(request.protocol()), branches, timeout);
    }

    @GET
    @Path("/in-doubt")
    @Operation(summary = "Unfinished transactions, each with what its participants report now")
    public List<Operator.InDoubt> inDoubt() {
        return operator.inDoubt();
    }

    @POST
    @Path("/{id}/force")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Force COMMIT or ABORT on a stuck transaction where the protocol allows it; operators only;"
            + " recorded with who (as typed and as authenticated) and why")
    public TransactionView force(@PathParam("id") String id, @Valid @NotNull ForceRequest request) {
        UUID uuid = parseId(id);
        operator.force(uuid, Decision.Kind.valueOf(request.outcome()), request.by(), caller.getPrincipal().getName(),
                request.reason());
        return transactions.find(uuid).orElseThrow();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A transaction's state, branches and full timeline")
    public TransactionView get(@PathParam("id") String id) {
        return transactions.find(parseId(id))
                .orElseThrow(() -> new ProblemException(404, "Not Found", "no transaction " + id + " in the log",
                        Problem.UNKNOWN_TRANSACTION));
    }

    @GET
    @Operation(summary = "Transactions, newest first; state filters by one or more comma-separated states")
    public List<TransactionView> list(@QueryParam("state") String state,
                                      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(1000) int limit) {
        return transactions.list(parseStates(state), limit);
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("transaction id must be a UUID, not '" + id + "'");
        }
    }

    private static List<TxState> parseStates(String raw) {
        List<TxState> states = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return states;
        }
        for (String part : raw.split(",")) {
            try {
                states.add(TxState.valueOf(part.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("state must be one of " + Arrays.toString(TxState.values())
                        + ", not '" + part.trim() + "'");
            }
        }
        return states;
    }
}
