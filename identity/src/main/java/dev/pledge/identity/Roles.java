package dev.pledge.identity;

/** What a caller may do; each {@link Caller} has one role, fixed by the key it signs with. */
public final class Roles {
    /** Drives transactions: every 2PC and 3PC verb on a participant's branch. */
    public static final String COORDINATOR = "coordinator";
    /** A participant asking a peer about a branch during the 3PC termination protocol. */
    public static final String PARTICIPANT = "participant";
    /** Runs sagas. */
    public static final String ORCHESTRATOR = "orchestrator";
    /** A person or a lab tool acting for one: the CLI, the experiments, the campaigns, the benchmark. */
    public static final String OPERATOR = "operator";
    /**
     * The lab's hooks only (crash points, pauses, saga silence, where the lab switch is on): the dashboard, which
     * has no login, so its key may not force an outcome, run the inquiry or drive a branch.
     */
    public static final String LAB = "lab";

    private Roles() {
    }
}
