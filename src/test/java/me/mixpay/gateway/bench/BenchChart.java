package me.mixpay.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * bench/run.sh's chart: throughput and p99 against connections for the gateway, nginx and the direct
 * upstream, one pair of panels per scenario that was run at several connection counts.
 * Usage: {@code BenchChart results.csv chart.png}
 */
public final class BenchChart {

    private BenchChart() {
    }

    public static void main(String[] args) throws IOException {
        List<String[]> rows = Files.readAllLines(Path.of(args[0])).stream().skip(1).map(l -> l.split(",")).toList();
        Map<String, List<String[]>> byScenario = new LinkedHashMap<>();
        rows.forEach(r -> byScenario.computeIfAbsent(r[0], s -> new ArrayList<>()).add(r));
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> scenario : byScenario.entrySet()) {
            if (scenario.getValue().stream().map(r -> r[2]).distinct().count() < 2) {
                continue; // one connection count is a table row, not a curve
            }
            charts.add(chart(scenario.getKey() + ": throughput", "requests/s", scenario.getValue(), 3));
            charts.add(chart(scenario.getKey() + ": p99 latency", "p99 ms", scenario.getValue(), 6));
        }
        if (charts.isEmpty()) {
            charts.add(chart("throughput", "requests/s", rows, 3));
        }
        List<XYChart> grid = charts;
        BitmapEncoder.saveBitmap(grid, grid.size() / 2 + grid.size() % 2, Math.min(2, grid.size()), args[1],
                BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(String title, String yTitle, List<String[]> rows, int column) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("connections").yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(true);
        // The same order, so the same colour, for each target in every panel.
        Map<String, List<double[]>> byTarget = new LinkedHashMap<>();
        for (String target : List.of("direct", "nginx", "gateway")) {
            byTarget.put(target, new ArrayList<>());
        }
        for (String[] r : rows) {
            byTarget.computeIfAbsent(r[1], t -> new ArrayList<>()).add(new double[] { Double.parseDouble(r[2]), Double.parseDouble(r[column]) });
        }
        byTarget.values().removeIf(List::isEmpty);
        byTarget.forEach((target, points) -> {
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            XYSeries series = chart.addSeries(target, points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray());
            series.setMarker(SeriesMarkers.CIRCLE);
        });
        return chart;
    }
}
