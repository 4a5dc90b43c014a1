package me.mixpay.gateway.status;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import me.mixpay.gateway.budget.Priority;

/**
 * The status page's charts of the last quarter hour, drawn as inline SVG on the server: no script, no
 * library, nothing from a CDN, and the page's content security policy stays {@code default-src 'none'}.
 * Each chart carries its figures as data attributes too, for tests and for anyone reading the DOM.
 */
final class StatusCharts {

    private static final int WIDTH = 600;
    private static final int HEIGHT = 150;
    private static final int PAD = 24;
    /** One per budget class, in Priority order: hues apart, so the stack reads without the legend's help. */
    private static final String[] CLASS_COLOURS = { "#1f4e9c", "#2a9d8f", "#8e63c7", "#a7adba" };
    /** Axis labels, in the chart's own units (the SVG scales to the page): about 13 px at a laptop's width. */
    private static final int LABEL_SIZE = 15;

    private StatusCharts() {
    }

    static void render(StringBuilder html, List<StatusHistory.Sample> samples, long historyMillis, boolean callbacks) {
        long minutes = Math.max(1, historyMillis / 60_000);
        html.append("<section id=\"history\"><h2>Last ").append(minutes).append(minutes == 1 ? " minute" : " minutes").append("</h2>");
        if (samples.isEmpty()) {
            html.append("<p>No sample yet.</p></section>");
            return;
        }
        html.append("<div class=\"charts\">");
        budget(html, samples);
        lines(html, "cache-chart", "Cache answers per sample: hits (and stale) against misses", samples,
                new Series("hits", "#2f8f4e", StatusHistory.Sample::hits), new Series("misses", "#c0392b", StatusHistory.Sample::misses));
        lines(html, "poll-chart", "Poll interval of pending payments, and the age of poll answers (s, mean per sample)", samples,
                new Series("poll interval", "#7a4fb0", StatusHistory.Sample::pollIntervalSeconds),
                new Series("answer age", "#c07a1f", StatusHistory.Sample::pollAnswerAgeSeconds));
        if (callbacks) {
            lines(html, "callback-chart", "MixPay's callback to the poll cache (ms, mean per sample)", samples,
                    new Series("callback to cache", "#b06a1f", StatusHistory.Sample::callbackToCacheMillis));
        }
        html.append("</div></section>");
    }

    private record Series(String name, String colour, ToDoubleFunction<StatusHistory.Sample> value) {
    }

    /** One entry of a chart's key. */
    private record Key(String name, String colour) {
    }

    /**
     * The budget window's calls by class as of each sample (stacked bars, each a window's worth of samples
     * summed, so they stand against the limit as the window's count does), the window's count against the
     * limit, refusals, 1429s and breaker openings.
     */
    private static void budget(StringBuilder html, List<StatusHistory.Sample> samples) {
        double limit = samples.get(samples.size() - 1).budgetLimit();
        double peakLimit = samples.stream().mapToDouble(StatusHistory.Sample::budgetLimit).filter(v -> !Double.isNaN(v)).max().orElse(0);
        double peakUsed = samples.stream().mapToDouble(StatusHistory.Sample::budgetUsed).filter(v -> !Double.isNaN(v)).max().orElse(0);
        double peakCalls = samples.stream().mapToDouble(s -> sum(s.windowCallsByClass())).max().orElse(0);
        double top = Math.max(1, Math.max(Math.max(Math.max(limit, peakLimit), peakUsed), peakCalls));
        long refusals = (long) samples.stream().mapToDouble(StatusHistory.Sample::refusals).sum();
        long rateLimited = (long) samples.stream().mapToDouble(StatusHistory.Sample::rateLimited).sum();
        long openings = samples.stream().mapToLong(StatusHistory.Sample::breakerOpenings).sum();
        long clusterSamples = samples.stream().filter(StatusHistory.Sample::clusterCalls).count();
        html.append("<figure><figcaption>MixPay calls: the budget window's count against the limit (line), the window's calls by class")
                .append(clusterSamples == 0 ? " on this replica" : clusterSamples == samples.size() ? " across the cluster"
                        : " across the cluster (paler: this replica's alone, where the others' were not known)")
                .append(" (bars), refusals (red), MixPay's 1429 (black), breaker openings (orange)</figcaption>")
                .append("<svg id=\"budget-chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" data-samples=\"").append(samples.size()).append("\" data-limit=\"").append(number(limit))
                .append("\" data-peak-used=\"").append(number(peakUsed)).append("\" data-peak-calls=\"").append(number(peakCalls))
                .append("\" data-refusals=\"").append(refusals).append("\" data-rate-limited=\"").append(rateLimited)
                .append("\" data-openings=\"").append(openings).append("\" data-cluster-samples=\"").append(clusterSamples).append("\">");
        axes(html, top);
        double step = (WIDTH - 2.0 * PAD) / Math.max(1, samples.size());
        for (int i = 0; i < samples.size(); i++) {
            StatusHistory.Sample s = samples.get(i);
            double x = PAD + i * step;
            double base = HEIGHT - PAD;
            for (Priority priority : Priority.values()) {
                double calls = s.windowCallsByClass()[priority.ordinal()];
                if (calls > 0) {
                    double h = calls / top * (HEIGHT - 2 * PAD);
                    base -= h;
                    html.append("<rect class=\"calls\" data-class=\"").append(priority.label()).append("\" data-scope=\"")
                            .append(s.clusterCalls() ? "cluster" : "replica").append("\" data-calls=\"").append(number(calls))
                            .append("\" data-sample-calls=\"").append(number(s.callsByClass()[priority.ordinal()]))
                            .append("\" x=\"").append(number(x)).append("\" y=\"").append(number(base)).append("\" width=\"")
                            .append(number(Math.max(1, step - 1))).append("\" height=\"").append(number(h)).append("\" fill=\"")
                            .append(CLASS_COLOURS[priority.ordinal()]).append(s.clusterCalls() || clusterSamples == 0 ? "" : "\" fill-opacity=\"0.45")
                            .append("\"/>");
                }
            }
            if (s.refusals() > 0) {
                mark(html, "refusal", x, step, PAD - 10, "#c0392b");
            }
            if (s.rateLimited() > 0) {
                mark(html, "rate-limited", x, step, PAD - 16, "#000");
            }
            if (s.breakerOpenings() > 0) {
                html.append("<line class=\"opening\" x1=\"").append(number(x)).append("\" x2=\"").append(number(x)).append("\" y1=\"")
                        .append(PAD).append("\" y2=\"").append(HEIGHT - PAD).append("\" stroke=\"#e67e22\" stroke-width=\"2\"/>");
            }
        }
        // Each sample's own limit: a replica's share while Redis is away, MixPay's lower one when it says so.
        StringBuilder limits = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            double own = samples.get(i).budgetLimit();
            double y = HEIGHT - PAD - (Double.isNaN(own) ? limit : own) / top * (HEIGHT - 2 * PAD);
            limits.append(number(PAD + i * step)).append(',').append(number(y)).append(' ')
                    .append(number(PAD + (i + 1) * step)).append(',').append(number(y)).append(' ');
        }
        html.append("<polyline class=\"limit\" fill=\"none\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\" points=\"")
                .append(limits.toString().trim()).append("\"/>");
        polyline(html, "used", "#1d2330", samples, StatusHistory.Sample::budgetUsed, top);
        html.append("</svg>");
        List<Key> keys = new java.util.ArrayList<>();
        for (Priority priority : Priority.values()) {
            keys.add(new Key(priority.label(), CLASS_COLOURS[priority.ordinal()]));
        }
        keys.add(new Key("window's count", "#1d2330"));
        keys.add(new Key("limit", "#c0392b"));
        keys.add(new Key("refused", "#c0392b"));
        keys.add(new Key("1429", "#000"));
        keys.add(new Key("breaker opened", "#e67e22"));
        legend(html, keys);
        html.append("</figure>");
    }

    /** The chart's key in HTML, so it reads at the page's own text size on any screen. */
    private static void legend(StringBuilder html, List<Key> keys) {
        html.append("<p class=\"legend\">");
        for (Key key : keys) {
            html.append("<span><i style=\"background:").append(key.colour()).append("\"></i>").append(key.name()).append("</span>");
        }
        html.append("</p>");
    }

    private static void lines(StringBuilder html, String id, String caption, List<StatusHistory.Sample> samples, Series... series) {
        double top = 1;
        for (Series line : series) {
            top = Math.max(top, samples.stream().mapToDouble(line.value()).filter(v -> !Double.isNaN(v)).max().orElse(0));
        }
        html.append("<figure><figcaption>").append(caption).append("</figcaption><svg id=\"").append(id).append("\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" data-samples=\"").append(samples.size()).append("\">");
        axes(html, top);
        List<Key> keys = new java.util.ArrayList<>();
        for (Series line : series) {
            polyline(html, line.name().replace(' ', '-'), line.colour(), samples, line.value(), top);
            keys.add(new Key(line.name(), line.colour()));
        }
        html.append("</svg>");
        legend(html, keys);
        html.append("</figure>");
    }

    private static void axes(StringBuilder html, double top) {
        html.append("<line x1=\"").append(PAD).append("\" x2=\"").append(WIDTH - PAD).append("\" y1=\"").append(HEIGHT - PAD)
                .append("\" y2=\"").append(HEIGHT - PAD).append("\" stroke=\"#99a\"/>")
                .append("<text x=\"2\" y=\"").append(PAD).append("\" font-size=\"").append(LABEL_SIZE).append("\" fill=\"#667\">").append(number(top)).append("</text>")
                .append("<text x=\"2\" y=\"").append(HEIGHT - PAD).append("\" font-size=\"").append(LABEL_SIZE).append("\" fill=\"#667\">0</text>")
                .append("<text x=\"").append(WIDTH - PAD).append("\" y=\"").append(HEIGHT - 6).append("\" font-size=\"").append(LABEL_SIZE).append("\" fill=\"#667\" text-anchor=\"end\">now</text>");
    }

    private static void polyline(StringBuilder html, String name, String colour, List<StatusHistory.Sample> samples,
            ToDoubleFunction<StatusHistory.Sample> value, double top) {
        double step = (WIDTH - 2.0 * PAD) / Math.max(1, samples.size());
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            double v = value.applyAsDouble(samples.get(i));
            if (!Double.isNaN(v)) {
                points.append(number(PAD + i * step + step / 2)).append(',').append(number(HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD))).append(' ');
            }
        }
        html.append("<polyline class=\"").append(name).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
                .append(points.toString().trim()).append("\"/>");
    }

    private static void mark(StringBuilder html, String kind, double x, double step, double y, String colour) {
        html.append("<rect class=\"").append(kind).append("\" x=\"").append(number(x)).append("\" y=\"").append(number(y))
                .append("\" width=\"").append(number(Math.max(2, step - 1))).append("\" height=\"5\" fill=\"").append(colour).append("\"/>");
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double v : values) {
            total += v;
        }
        return total;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
