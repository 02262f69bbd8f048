package dev.pledge.cli;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the blocking experiment found; also what {@code experiment blocking --json} prints.
 *
 * @param blockedUntilRestart  the first order's prepared rows stayed locked until the crashed coordinator was
 *                             restarted: nothing else could end the transaction (2PC's blocking)
 * @param secondOrderWaitedMs  how long the second order's prepare waited for its answer
 * @param secondOrderWaitedFor what ended that wait
 * @param resolvedBeforeRestart the first order was ended while the crashed coordinator was still down
 */
record BlockingReport(String protocol, String crashPoint, int replicasRunning, String transactionId,
                      boolean blockedUntilRestart, long secondOrderWaitedMs, WaitedFor secondOrderWaitedFor,
                      String secondOrderVote, String secondOrderReason, long resolvedMs, String resolvedBy,
                      boolean resolvedBeforeRestart, String outcome, boolean invariantsHold, List<String> invariants,
                      List<Inspector.PreparedBranch> preparedWhileDown, List<String> timeline) {

    /** What the second order's prepare waited for before it had its answer. */
    enum WaitedFor {
        /** The rows were released only by the crashed coordinator's recovery, once it was restarted: 2PC blocks. */
        COORDINATOR_RESTART("the crashed coordinator to come back"),
        /** The participants ended the first order by themselves (3PC's termination protocol). */
        TERMINATION_PROTOCOL("the participants' termination protocol"),
        /** Another coordinator replica took the first order over once the crashed one's lease expired. */
        REPLICA_TAKEOVER("a surviving coordinator replica to take the first order over"),
        /** It had its answer while the first order still held the rows (refused, or a row it did not need). */
        NOTHING("nothing: it was answered while the first order still held the rows");

        private final String words;

        WaitedFor(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    /** Whether the first order's rows stayed locked until the crashed coordinator came back, in words. */
    @JsonProperty("blockedInWords")
    String blockedInWords() {
        return blockedUntilRestart
                ? "yes: the prepared branches kept their rows locked until the coordinator came back, " + resolvedMs
                        + " ms after the crash"
                : "no: the prepared branches were ended " + resolvedMs + " ms after the crash by " + resolvedBy
                        + ", with the crashed coordinator still down";
    }

    /** How long the second order waited, for what, and what it was answered, in words. */
    @JsonProperty("secondOrderInWords")
    String secondOrderInWords() {
        return "waited " + secondOrderWaitedMs + " ms for " + secondOrderWaitedFor.words() + ", then voted "
                + secondOrderVote + (secondOrderReason == null ? "" : " (" + secondOrderReason + ")");
    }
}
