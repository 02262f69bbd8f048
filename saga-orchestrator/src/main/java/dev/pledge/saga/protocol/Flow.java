package dev.pledge.saga.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a saga's steps run and how it recovers from a failed step. */
public enum Flow {
    /** Orchestrated, one step after the other; a failure compensates the completed steps in reverse order. */
    SEQUENTIAL("sequential"),
    /** Orchestrated; independent steps run at the same time, and compensations run at the same time too. */
    PARALLEL("parallel"),
    /** Orchestrated, sequential; a failing step is retried until the saga's deadline, compensated only after. */
    FORWARD_RECOVERY("forward-recovery"),
    /** No orchestrator in the path: each participant reacts to the others' events on Kafka. */
    CHOREOGRAPHY("choreography");

    private final String label;

    Flow(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean orchestrated() {
        return this != CHOREOGRAPHY;
    }

    public static Optional<Flow> of(String label) {
        String wanted = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.label.equals(wanted) || f.name().equalsIgnoreCase(wanted)).findFirst();
    }

    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(Flow::label).toList());
    }
}
