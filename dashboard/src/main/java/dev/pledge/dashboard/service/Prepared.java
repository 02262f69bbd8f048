package dev.pledge.dashboard.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.dashboard.client.Services;
import dev.pledge.dashboard.client.Unreachable;
import dev.pledge.dashboard.client.UpstreamProblem;

/** The branches the participants hold prepared ({@code GET /admin/prepared-branches} on each), by transaction. */
@ApplicationScoped
public class Prepared {
    static final List<String> PARTICIPANTS = List.of(Services.INVENTORY, Services.PAYMENT);

    @Inject
    Services services;

    public record Reading(Map<String, List<Held>> byTransaction, Set<String> unreachable) {
        public List<Held> of(String transactionId) {
            return byTransaction.getOrDefault(transactionId, List.of());
        }
    }

    public Reading read() {
        Instant now = Instant.now();
        Map<String, List<Held>> held = new LinkedHashMap<>();
        Set<String> unreachable = new TreeSet<>();
        for (String participant : PARTICIPANTS) {
            try {
                for (JsonNode b : services.get(participant, "/admin/prepared-branches")) {
                    Held h = parse(participant, b, now);
                    h.transactionId().ifPresent(id -> held.computeIfAbsent(id, k -> new ArrayList<>()).add(h));
                }
            } catch (Unreachable | UpstreamProblem e) {
                unreachable.add(participant);
            }
        }
        return new Reading(held, unreachable);
    }

    static Held parse(String participant, JsonNode b, Instant now) {
        Instant at = Instant.parse(b.path("preparedAt").asText());
        List<Held.Lock> locks = new ArrayList<>();
        b.path("locks").forEach(l -> locks.add(new Held.Lock(l.path("table").asText(), l.path("mode").asText())));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        b.path("rows").fields().forEachRemaining(e -> {
            List<String> keys = new ArrayList<>();
            e.getValue().forEach(k -> keys.add(k.asText()));
            rows.put(e.getKey(), keys);
        });
        return new Held(participant, b.path("gid").asText(), at, Duration.between(at, now).toMillis(), locks, rows);
    }
}
