package dev.pledge.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each protocol's throughput as a ratio to what it is measured against in the same run, at the same number
 * of clients: its floor (2pc to 2pc-floor, 3pc to 3pc-floor, saga to saga-floor), the plain local commits,
 * and for 2pc the incumbent (Narayana). Ratios hold on a noisy machine where raw figures do not.
 */
public final class Ratios {
    public static final Map<String, String> FLOORS = Map.of("2pc", "2pc-floor", "3pc", "3pc-floor", "saga", "saga-floor");
    public static final String BASELINE = "local";
    public static final String INCUMBENT = "narayana";

    private Ratios() {
    }

    /** protocol -> {floor, baseline, incumbent} at {@code clients}; a ratio whose reference was not run is left out. */
    public static Map<String, Map<String, Double>> at(List<Measurement> rows, int clients) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Measurement m : rows) {
            if (m.kind() != Target.Kind.PROTOCOL || m.clients() != clients) {
                continue;
            }
            Map<String, Double> r = new LinkedHashMap<>();
            ratio(m, find(rows, FLOORS.get(m.target()), clients)).ifPresent(v -> r.put("floor", v));
            ratio(m, find(rows, BASELINE, clients)).ifPresent(v -> r.put("baseline", v));
            if (m.target().equals("2pc")) {
                ratio(m, find(rows, INCUMBENT, clients)).ifPresent(v -> r.put("incumbent", v));
            }
            out.put(m.target(), r);
        }
        return out;
    }

    private static Optional<Measurement> find(List<Measurement> rows, String target, int clients) {
        return rows.stream().filter(m -> m.target().equals(target) && m.clients() == clients).findFirst();
    }

    private static Optional<Double> ratio(Measurement m, Optional<Measurement> reference) {
        return reference.filter(r -> r.throughput() > 0)
                .map(r -> Math.round(m.throughput() / r.throughput() * 1000) / 1000.0);
    }
}
