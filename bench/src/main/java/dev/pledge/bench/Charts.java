package dev.pledge.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The run's two charts, drawn with XChart, each as SVG and PNG: throughput against clients (a line per
 * target), and latency percentiles per target at the most clients measured.
 */
public final class Charts {
    private Charts() {
    }

    /** Writes throughput.svg/.png and latency.svg/.png into {@code dir}; answers the files written. */
    public static List<Path> write(List<Measurement> rows, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        files.addAll(save(throughput(rows), dir.resolve("throughput")));
        files.addAll(save(latency(rows), dir.resolve("latency")));
        return files;
    }

    static XYChart throughput(List<Measurement> rows) {
        XYChart chart = new XYChartBuilder().width(900).height(540).title("Throughput against clients")
                .xAxisTitle("clients").yAxisTitle("orders per second").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(7);
        for (String target : targets(rows)) {
            List<Measurement> mine = rows.stream().filter(m -> m.target().equals(target)).toList();
            chart.addSeries(target, mine.stream().map(m -> (double) m.clients()).toList(),
                    mine.stream().map(Measurement::throughput).toList());
        }
        return chart;
    }

    static CategoryChart latency(List<Measurement> rows) {
        int most = rows.stream().mapToInt(Measurement::clients).max().orElse(1);
        List<Measurement> at = rows.stream().filter(m -> m.clients() == most).toList();
        CategoryChart chart = new CategoryChartBuilder().width(900).height(540)
                .title("Latency at " + most + " client" + (most == 1 ? "" : "s")).xAxisTitle("target")
                .yAxisTitle("milliseconds").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> names = at.stream().map(Measurement::target).toList();
        for (double p : new double[] {50, 90, 99}) {
            chart.addSeries("p" + (int) p, names, at.stream().map(m -> m.percentileMs(p)).toList());
        }
        return chart;
    }

    private static Set<String> targets(List<Measurement> rows) {
        Set<String> names = new LinkedHashSet<>();
        rows.forEach(m -> names.add(m.target()));
        return names;
    }

    private static List<Path> save(Chart<?, ?> chart, Path base) throws IOException {
        VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
        return List.of(Path.of(base + ".svg"), Path.of(base + ".png"));
    }
}
