package dev.pledge.participant.choreography;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pledge.participant.saga.SagaCommand.Kind;

/**
 * How a participant takes part in a choreographed saga: which events it reacts to, with which of its saga
 * verbs, and which event it tells the others afterwards. A participant service provides one bean of this
 * type; the kit runs the reactions with the same inbox and outbox as orchestrated commands.
 */
public interface ChoreographyRules {

    /** On event {@code on}, run {@code verb} as {@code step}; announce {@code whenDone} or {@code otherwise}. */
    record Reaction(String on, String step, Kind kind, String verb, String whenDone, String otherwise) {
    }

    /**
     * After this participant announced {@code after}, one of {@code until} must follow within {@code within};
     * if none does, it runs {@code then} itself (e.g. releases a reservation nobody paid for).
     */
    record Deadline(String after, Set<String> until, Duration within, Reaction then) {
    }

    List<Reaction> reactions();

    /** This participant's reaction to an event type, if it has one. */
    default Optional<Reaction> reactionTo(String event) {
        return reactions().stream().filter(r -> r.on().equals(event)).findFirst();
    }

    Optional<Deadline> deadline();

    /** This participant's part of the order (e.g. sku and qty), as its business action reads it. */
    JsonNode operation(JsonNode order);
}
