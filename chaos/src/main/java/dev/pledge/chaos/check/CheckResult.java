package dev.pledge.chaos.check;

import java.util.List;

/**
 * What the checker found. Each list holds one line per broken invariant; {@code committed} and
 * {@code aborted} count the transactions and sagas that ended since the baseline.
 */
public record CheckResult(long committed, long aborted, List<String> atomicity, List<String> conservation,
        List<String> history, List<String> inDoubt) {

    public boolean ok() {
        return atomicity.isEmpty() && conservation.isEmpty() && history.isEmpty() && inDoubt.isEmpty();
    }

    /** Every problem, one per line. */
    public List<String> problems() {
        return java.util.stream.Stream.of(atomicity, conservation, history, inDoubt).flatMap(List::stream).toList();
    }
}
