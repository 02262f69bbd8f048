package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.pledge.common.idempotency.IdempotencyKey;
import dev.pledge.common.problem.ProblemException;
import dev.pledge.coordinator.log.DecisionLog.BranchSpec;
import dev.pledge.coordinator.protocol.Protocol;

/** Runs a global transaction with the protocol asked for. */
@ApplicationScoped
public class Coordinator {

    @Inject
    TwoPhaseCommit twoPhaseCommit;
    @Inject
    ThreePhaseCommit threePhaseCommit;
    @Inject
    Replicas replicas;

    /** @param key the client's idempotency key, or null */
    public UUID run(Protocol protocol, List<BranchSpec> branches, Duration timeout, IdempotencyKey key) {
        if (!replicas.holdsLease()) {
            throw new ProblemException(503, "Service Unavailable", "coordinator replica " + replicas.nodeId()
                    + " cannot renew its lease in the log's database right now, so it begins no transaction; try another"
                    + " replica or again shortly");
        }
        return switch (protocol) {
            case TWO_PC -> twoPhaseCommit.run(branches, timeout, key);
            case THREE_PC -> threePhaseCommit.run(branches, timeout, key);
        };
    }
}
