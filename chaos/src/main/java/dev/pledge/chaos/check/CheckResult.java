package dev.pledge.chaos.check;

import java.util.List;

/**
 * What the checker found. Each list holds one line per broken invariant (per transaction or saga for
 * atomicity, per product or account for conservation); {@code committed} and {@code aborted} count the
 * transactions and sagas that ended since the baseline; {@code inDoubtCount} counts the prepared
 * transactions and the unfinished transactions and sagas left after the quiet deadline. {@code splits} are the
 * atomicity lines of one kind: a transaction committed in one participant only, inventory's side against
 * payment's (what a network cut between the two can do to 3PC, and nothing else can).
 */
public record CheckResult(long committed, long aborted, List<String> atomicity, List<String> conservation,
        List<String> history, List<String> inDoubt, int inDoubtCount, List<String> splits) {

    public boolean ok() {
        return atomicity.isEmpty() && conservation.isEmpty() && history.isEmpty() && inDoubt.isEmpty();
    }

    /** Every problem, one per line. */
    public List<String> problems() {
        return java.util.stream.Stream.of(atomicity, conservation, history, inDoubt).flatMap(List::stream).toList();
    }
}
