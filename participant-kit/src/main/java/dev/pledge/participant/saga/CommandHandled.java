package dev.pledge.participant.saga;

/** A saga command's local transaction committed with this answer: fired for whoever counts them. */
public record CommandHandled(SagaCommand.Kind kind, SagaReply.Outcome outcome) {
}
