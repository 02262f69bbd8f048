package dev.pledge.coordinator.api;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.log.GlobalTransaction;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.service.Coordinator;
import dev.pledge.coordinator.service.InFlight;
import dev.pledge.coordinator.service.Replicas;

/**
 * Begins a transaction for a request, honouring the client's {@code Idempotency-Key}: a repeat of a
 * request that already began a transaction answers with that transaction (201, {@code Idempotent-Replayed:
 * true}) instead of beginning another; a repeat while the first is still running (in this process, or on
 * another replica whose lease is live) is a 409; the same key with a different request is a 422. Two
 * requests racing with one key: the begin record's unique key lets one of them begin, the other answers as
 * a repeat.
 */
@ApplicationScoped
public class IdempotentBegin {
    @Inject
    Coordinator coordinator;
    @Inject
    DecisionLog log;
    @Inject
    InFlight inFlight;
    @Inject
    Transactions transactions;
    @Inject
    Replicas replicas;

    /**
     * @param header    the Idempotency-Key header, or null
     * @param prefer    the Prefer header, or null: {@code return=minimal} answers without branches and timeline
     * @param canonical the request in a canonical form, so that a repeat can be told from a different request
     */
    public Response begin(String header, String prefer, String canonical, Protocol protocol, List<BranchSpec> branches,
            Duration timeout) {
        Optional<IdempotencyKey> key = IdempotencyKey.of(header, canonical);
        boolean minimal = minimal(prefer);
        return IdempotencyKey.<Response, RuntimeException>once(key, k -> earlier(k, minimal),
                () -> created(coordinator.run(protocol, branches, timeout, key.orElse(null)), false, minimal));
    }

    /** Whether a Prefer header (RFC 7240) asks for {@code return=minimal}. */
    static boolean minimal(String prefer) {
        return prefer != null && java.util.Arrays.stream(prefer.split("[,;]"))
                .anyMatch(p -> p.trim().replace(" ", "").equalsIgnoreCase("return=minimal"));
    }

    private Optional<Response> earlier(IdempotencyKey key, boolean minimal) {
        Optional<GlobalTransaction> first = log.byIdempotencyKey(key.key());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        GlobalTransaction t = first.get();
        String location = "/transactions/" + t.id;
        if (!key.requestHash().equals(t.requestHash)) {
            throw key.mismatch(location);
        }
        UUID newest = log.newestAttempt(t.id); // an order retried after lock conflicts answers with its last attempt
        if (inFlight.isRunning(t.id) || inFlight.isRunning(newest) || replicas.drivenByAnotherReplica(newest)) {
            throw key.stillRunning(location);
        }
        return Optional.of(created(newest, true, minimal));
    }

    /**
     * The answer to a begin: the transaction with its branches and its whole timeline, or with
     * {@code return=minimal} only its state and outcome (what a client in a hurry needs; the rest is at the
     * Location).
     */
    private Response created(UUID id, boolean replayed, boolean minimal) {
        Response.ResponseBuilder r = Response.created(URI.create("/transactions/" + id));
        if (minimal) {
            r.entity(transactions.summary(id).orElseThrow()).header("Preference-Applied", "return=minimal");
        } else {
            r.entity(transactions.find(id).orElseThrow());
        }
        return (replayed ? r.header(IdempotencyKey.REPLAYED_HEADER, "true") : r).build();
    }
}
