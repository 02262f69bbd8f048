package dev.pledge.saga.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.saga.store.Saga;
import dev.pledge.saga.store.SagaStep;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

@Path("/sagas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sagas")
public class SagaResource {

    public record StepView(Instant at, String step, String kind, String detail) {
    }

    public record SagaView(UUID id, String kind, String state, @JsonRawValue String payload, Instant createdAt,
                           Instant updatedAt, List<StepView> steps) {
        static SagaView of(Saga s, List<SagaStep> steps) {
            return new SagaView(s.id, s.kind, s.state, s.payload, s.createdAt, s.updatedAt,
                    steps == null ? null : steps.stream().map(t -> new StepView(t.at, t.step, t.kind, t.detail)).toList());
        }
    }

    @GET
    @Operation(summary = "Saga instances, newest first")
    public List<SagaView> list(@QueryParam("limit") @DefaultValue("50") @Min(1) @Max(1000) int limit) {
        return Saga.<Saga>findAll(Sort.descending("createdAt")).page(Page.ofSize(limit)).list().stream()
                .map(s -> SagaView.of(s, null)).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A saga with its step log")
    public SagaView get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("saga id must be a UUID, not '" + id + "'");
        }
        Saga saga = Saga.<Saga>findByIdOptional(uuid).orElseThrow(() -> ProblemException.notFound("no saga " + id));
        return SagaView.of(saga, SagaStep.list("sagaId", Sort.by("id"), uuid));
    }
}
