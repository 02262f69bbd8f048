package dev.pledge.saga.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.saga.store.SagaRow;
import dev.pledge.saga.store.SagaStore;
import dev.pledge.saga.store.TimelineEntry;
import io.agroal.api.AgroalDataSource;

/** Reads of the saga log for the API: each on a connection of its own, outside any saga's transaction. */
@ApplicationScoped
public class SagaReads {
    @Inject
    AgroalDataSource db;
    @Inject
    SagaStore store;

    /** A saga with its whole timeline. */
    public record Found(SagaRow saga, List<TimelineEntry> timeline) {
    }

    public Optional<Found> find(UUID id) throws SQLException {
        try (Connection c = db.getConnection()) {
            Optional<SagaRow> saga = store.find(c, id);
            return saga.isEmpty() ? Optional.empty() : Optional.of(new Found(saga.get(), store.timeline(c, id)));
        }
    }

    /** Whether the saga has ended; empty when there is no such saga. */
    public Optional<Boolean> ended(UUID id) throws SQLException {
        try (Connection c = db.getConnection()) {
            return store.find(c, id).map(s -> s.state().status().isFinal());
        }
    }

    /** The newest sagas first, only those in {@code status} unless it is null. */
    public List<SagaRow> list(String status, int limit) throws SQLException {
        try (Connection c = db.getConnection()) {
            return store.list(c, status, limit);
        }
    }

    /** The saga a client's idempotency key started, if any. */
    public Optional<SagaStore.Keyed> byIdempotencyKey(String key) throws SQLException {
        try (Connection c = db.getConnection()) {
            return store.byIdempotencyKey(c, key);
        }
    }
}
