package dev.pledge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatiosTest {

    private static Measurement row(String target, Target.Kind kind, int clients, long committed) {
        Histogram latency = new Histogram(3);
        latency.recordValue(1000 + committed);
        return new Measurement(target, kind, clients, 10, committed, 0, 0, latency,
                new Costs.PerOrder(Map.of("coordinator", 1.0), kind == Target.Kind.PROTOCOL ? 5.0 : 0.0, Map.of()));
    }

    private final List<Measurement> rows = List.of(
            row("2pc", Target.Kind.PROTOCOL, 8, 600), row("saga", Target.Kind.PROTOCOL, 8, 300),
            row("local", Target.Kind.BASELINE, 8, 2000), row("2pc-floor", Target.Kind.FLOOR, 8, 1000),
            row("narayana", Target.Kind.INCUMBENT, 8, 800), row("2pc", Target.Kind.PROTOCOL, 1, 100));

    @Test
    void eachProtocolIsARatioToWhatWasMeasuredBesideItAtTheSameClients() {
        Map<String, Map<String, Double>> at8 = Ratios.at(rows, 8);
        assertThat(at8.get("2pc")).containsExactlyInAnyOrderEntriesOf(Map.of("floor", 0.6, "baseline", 0.3, "incumbent", 0.75));
        assertThat(at8.get("saga")).as("no saga floor was run").containsExactlyInAnyOrderEntriesOf(Map.of("baseline", 0.15));
        assertThat(Ratios.at(rows, 1).get("2pc")).as("nothing else ran at 1 client").isEmpty();
    }

    private static Measurement costing(String target, Target.Kind kind, long p50Micros, double cpuMs) {
        Histogram latency = new Histogram(3);
        latency.recordValue(p50Micros);
        return new Measurement(target, kind, 32, 10, 100, 0, 0, latency,
                new Costs.PerOrder(Map.of(), 0, cpuMs < 0 ? Map.of() : Map.of("coordinator", cpuMs * 0.75, "bench", cpuMs * 0.25)));
    }

    @Test
    void costsAreMultiplesOfTheFloorsCpuAndMedianLatency() {
        List<Measurement> run = List.of(costing("2pc", Target.Kind.PROTOCOL, 6000, 3.0),
                costing("2pc-floor", Target.Kind.FLOOR, 2000, 1.0), costing("saga", Target.Kind.PROTOCOL, 9000, -1),
                costing("saga-floor", Target.Kind.FLOOR, 3000, 2.0), costing("3pc", Target.Kind.PROTOCOL, 5000, 4.0));
        Map<String, Map<String, Double>> costs = Ratios.costsAt(run, 32);
        assertThat(costs.get("2pc")).containsExactlyInAnyOrderEntriesOf(Map.of("cpu", 3.0, "p50", 3.0));
        assertThat(costs.get("saga")).as("no CPU read for the saga row: its latency alone")
                .containsExactlyInAnyOrderEntriesOf(Map.of("p50", 3.0));
        assertThat(costs).as("no 3pc floor ran").doesNotContainKey("3pc");
    }

    @Test
    void writesTheRowsAsCsvAndChartsAsSvgAndPng(@TempDir Path dir) throws Exception {
        Report.writeCsv(rows, dir.resolve("results.csv"));
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertThat(csv).hasSize(rows.size() + 1);
        assertThat(csv.get(0)).startsWith("target,kind,clients,");
        assertThat(csv.get(1)).startsWith("2pc,protocol,8,10.000,600,600,0,0,60.000,");

        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/fonts")),
                "charts need a font: apt-get install fontconfig fonts-dejavu-core (.ci/run does)");
        List<Path> charts = Charts.write(rows, dir);
        assertThat(charts).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("throughput.svg", "throughput.png", "latency.svg", "latency.png");
        assertThat(Files.readString(dir.resolve("throughput.svg"))).contains("<svg").contains("<path");
        assertThat(Files.size(dir.resolve("latency.png"))).isPositive();
    }
}
