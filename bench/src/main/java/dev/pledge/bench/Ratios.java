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

    /**
     * protocol -> {cpu, p50} at {@code clients}: its CPU per order (background taken out) and its median latency,
     * each as a multiple of its floor's; lower is better. Left out where the floor was not run or read 0.
     */
    public static Map<String, Map<String, Double>> costsAt(List<Measurement> rows, int clients) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Measurement m : rows) {
            if (m.kind() != Target.Kind.PROTOCOL || m.clients() != clients) {
                continue;
            }
            Optional<Measurement> floor = find(rows, FLOORS.get(m.target()), clients);
            Map<String, Double> r = new LinkedHashMap<>();
            floor.filter(f -> !m.costs().cpuMs().isEmpty() && f.costs().cpuMsTotal() > 0)
                    .ifPresent(f -> r.put("cpu", multiple(m.costs().cpuMsTotal(), f.costs().cpuMsTotal())));
            floor.filter(f -> f.percentileMs(50) > 0)
                    .ifPresent(f -> r.put("p50", multiple(m.percentileMs(50), f.percentileMs(50))));
            if (!r.isEmpty()) {
                out.put(m.target(), r);
            }
        }
        return out;
    }

    private static double multiple(double mine, double floor) {
        return Math.round(mine / floor * 100) / 100.0;
    }

    private static Optional<Measurement> find(List<Measurement> rows, String target, int clients) {
        return rows.stream().filter(m -> m.target().equals(target) && m.clients() == clients).findFirst();
    }

    private static Optional<Double> ratio(Measurement m, Optional<Measurement> reference) {
        return reference.filter(r -> r.throughput() > 0)
                .map(r -> Math.round(m.throughput() / r.throughput() * 1000) / 1000.0);
    }
}
