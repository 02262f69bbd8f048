package dev.pledge.coordinator.protocol;

/** The coordinator's messages to a participant's branch, named as on the wire ({@code /branches/{gid}/<name>}). */
public enum Message {
    /** 2PC's vote request: the participant prepares for real (PostgreSQL {@code PREPARE TRANSACTION}) or says NO. */
    PREPARE("prepare"),
    /** 3PC's vote request: the same, and the participant learns its peers and the coordinator to watch. */
    CAN_COMMIT("can-commit"),
    /** 3PC: everyone voted YES; the branch may commit on its own should the coordinator be lost. */
    PRE_COMMIT("pre-commit"),
    /** 3PC's commit. */
    DO_COMMIT("do-commit"),
    /** 2PC's commit. */
    COMMIT("commit"),
    ABORT("abort"),
    /** A read of the branch's state (3PC recovery's inquiry); it changes nothing. */
    STATE("state");

    private final String label;

    Message(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether the answers are the branches' acknowledgements, recorded in the log (a state read's are not). */
    public boolean acknowledged() {
        return this != STATE;
    }
}
