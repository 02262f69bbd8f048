package dev.pledge.dashboard.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.dashboard.client.Services;
import dev.pledge.dashboard.client.Unreachable;
import dev.pledge.dashboard.client.UpstreamProblem;

/**
 * The prepares waiting for a row lock on each participant ({@code GET /admin/lock-waits}), each tagged with its
 * participant and global transaction: the edges of the wait-for graph across the participants. The page joins
 * them by transaction and marks a cycle, a distributed deadlock that neither database can see.
 */
@ApplicationScoped
public class LockWaits {
    @Inject
    Services services;

    /** One prepare waiting: where, which transaction, for what, behind whom. */
    public record Wait(String participant, String transaction, String gid, long waitingMs, String policy, String row,
                       JsonNode holders) {
    }

    public record Reading(List<Wait> waits, Set<String> unreachable) {
    }

    public Reading read() {
        List<Wait> waits = new ArrayList<>();
        Set<String> unreachable = new TreeSet<>();
        for (String participant : Prepared.PARTICIPANTS) {
            try {
                for (JsonNode w : services.get(participant, "/admin/lock-waits")) {
                    String gid = w.path("gid").asText();
                    waits.add(new Wait(participant, Held.transactionOf(gid).orElse(gid), gid, w.path("waitingMs").asLong(),
                            w.path("policy").asText(null), w.path("row").asText(null), w.path("holders")));
                }
            } catch (Unreachable | UpstreamProblem e) {
                unreachable.add(participant);
            }
        }
        return new Reading(waits, unreachable);
    }
}
