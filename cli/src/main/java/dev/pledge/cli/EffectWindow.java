package dev.pledge.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * When an order's effect held in one participant: taken at {@code taken} (null: never), undone at
 * {@code undone} (null: still held). Two such windows tell how long an order's data was visibly
 * inconsistent: the time exactly one of them held (stock taken and no money, or money taken and no stock).
 */
record EffectWindow(Instant taken, Instant undone) {

    static final EffectWindow NEVER = new EffectWindow(null, null);

    boolean heldAt(Instant t) {
        return taken != null && !t.isBefore(taken) && (undone == null || t.isBefore(undone));
    }

    /** How long exactly one of {@code a} and {@code b} held, up to {@code end}. */
    static Duration disagreement(EffectWindow a, EffectWindow b, Instant end) {
        TreeSet<Instant> points = new TreeSet<>();
        for (EffectWindow w : List.of(a, b)) {
            if (w.taken() != null) {
                points.add(w.taken());
            }
            if (w.undone() != null) {
                points.add(w.undone());
            }
        }
        points.add(end);
        List<Instant> ordered = new ArrayList<>(points);
        Duration total = Duration.ZERO;
        for (int i = 0; i + 1 < ordered.size(); i++) {
            Instant from = ordered.get(i);
            if (a.heldAt(from) != b.heldAt(from)) {
                total = total.plus(Duration.between(from, ordered.get(i + 1)));
            }
        }
        return total;
    }
}
