package dev.pledge.saga.service;

/** The saga orchestrator's named crash points ({@code pledge.crash-points} lists the same names). */
public enum OrchestratorPoint {
    /** The saga and its first commands are committed, nothing published yet. */
    AFTER_SAGA_START("after-saga-start"),
    /** The first step's success is committed with the next commands, not yet published. */
    AFTER_FIRST_STEP("after-first-step"),
    /** The decision to compensate is committed with the compensations, not yet published. */
    BEFORE_COMPENSATION("before-compensation"),
    /** A reply has been applied inside its transaction, which is not yet committed. */
    BEFORE_REPLY_COMMIT("before-reply-commit");

    private final String label;

    OrchestratorPoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
