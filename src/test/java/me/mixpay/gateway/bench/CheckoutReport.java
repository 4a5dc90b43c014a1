package me.mixpay.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;

import io.vertx.core.json.JsonObject;

/**
 * bench/checkout.sh's report: from the {@link CheckoutWorkload} results of one run ({@code <target>.json},
 * in the order given), {@code results.csv}, {@code summary.md} with the targets for the gateway
 * and pass or fail against them, and {@code chart.png}.
 * Usage: {@code CheckoutReport <dir> <poll-age-bound-ms> <target>...}
 */
public final class CheckoutReport {

    private static final List<String> GATEWAYS = List.of("gateway", "gateway-2", "callbacks", "callbacks-2", "callbacks-variant");
    /**
     * Targets whose gateways receive MixPay's callbacks (public-url set): judged on detection too;
     * {@code callbacks-variant} is one gateway with CHECKOUT_VARIANT_ENV, the other side of a decision in the same run.
     */
    private static final List<String> CALLBACK_TARGETS = List.of("callbacks", "callbacks-2", "callbacks-variant");

    private CheckoutReport() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long budgetWaitMs = Long.parseLong(args[1]);
        List<JsonObject> runs = new ArrayList<>();
        for (String target : List.of(args).subList(2, args.length)) {
            runs.add(new JsonObject(Files.readString(dir.resolve(target + ".json"))));
        }
        Files.writeString(dir.resolve("results.csv"), csv(runs));
        Files.writeString(dir.resolve("summary.md"), summary(runs, budgetWaitMs));
        chart(runs, dir.resolve("chart.png"));
    }

    static double perMinute(JsonObject run) {
        return completed(run) * 60.0 / run.getLong("seconds");
    }

    private static long completed(JsonObject run) {
        return run.getJsonObject("merchants").getJsonObject("checkouts").getLong("completed", 0L);
    }

    private static double creationSuccess(JsonObject run) {
        JsonObject c = run.getJsonObject("merchants").getJsonObject("creations");
        return c.getLong("tried") == 0 ? Double.NaN : 100.0 * c.getLong("succeeded") / c.getLong("tried");
    }

    private static double callsPerCheckout(JsonObject run) {
        return completed(run) == 0 ? Double.NaN : (double) run.getJsonObject("mixpay").getLong("requests") / completed(run);
    }

    private static JsonObject kind(JsonObject run, String kind) {
        JsonObject calls = run.getJsonObject("merchants").getJsonObject("calls").getJsonObject(kind);
        return calls == null ? new JsonObject() : calls;
    }

    /** A call kind's calls and successes while MixPay was in maintenance (none outside a maintenance run). */
    private static JsonObject duringMaintenance(JsonObject run, String kind) {
        return kind(run, kind).getJsonObject("byPhase", new JsonObject()).getJsonObject("maintenance",
                new JsonObject().put("calls", 0L).put("ok", 0L));
    }

    private static long errors(JsonObject run) {
        return CheckoutTally.CALL_KINDS.stream().mapToLong(k -> kind(run, k).getLong("calls", 0L) - kind(run, k).getLong("ok", 0L)).sum();
    }

    private static Long pollAge(JsonObject run, String stat) {
        return run.getJsonObject("merchants").getJsonObject("pollAgeMs").getLong(stat);
    }

    /** From MixPay marking a payment paid to the merchant's poll seeing it. */
    private static Long detection(JsonObject run, String stat) {
        return run.getJsonObject("merchants").getJsonObject("detectionMs", new JsonObject()).getLong(stat);
    }

    private static String csv(List<JsonObject> runs) {
        StringBuilder csv = new StringBuilder("target,seconds,workers,resenders,checkouts_completed,checkouts_per_min,"
                + "creations_tried,creation_success_pct,mixpay_calls,mixpay_calls_per_checkout,mixpay_1429,repeated_creations,"
                + "merchant_errors,assets_p50_ms,assets_p99_ms,estimate_p50_ms,estimate_p99_ms,create_p50_ms,create_p99_ms,"
                + "poll_p50_ms,poll_p99_ms,poll_age_p50_ms,poll_age_p99_ms,poll_age_max_ms,maintenance_calls,maintenance_ok,"
                + "detection_p50_ms,detection_p99_ms,detection_max_ms\n");
        for (JsonObject run : runs) {
            JsonObject mixpay = run.getJsonObject("mixpay");
            List<Object> row = new ArrayList<>(List.of(run.getString("target"), run.getLong("seconds"), run.getInteger("workers"),
                    run.getInteger("resenders"), completed(run), fixed(perMinute(run)),
                    run.getJsonObject("merchants").getJsonObject("creations").getLong("tried"), fixed(creationSuccess(run)),
                    mixpay.getLong("requests"), fixed(callsPerCheckout(run)), mixpay.getLong("rateLimited"),
                    mixpay.getLong("repeatedCreations"), errors(run)));
            for (String k : CheckoutTally.CALL_KINDS) {
                row.add(orDash(kind(run, k).getLong("p50Ms")));
                row.add(orDash(kind(run, k).getLong("p99Ms")));
            }
            row.add(orDash(pollAge(run, "p50")));
            row.add(orDash(pollAge(run, "p99")));
            row.add(orDash(pollAge(run, "max")));
            row.add(CheckoutTally.CALL_KINDS.stream().mapToLong(k -> duringMaintenance(run, k).getLong("calls")).sum());
            row.add(CheckoutTally.CALL_KINDS.stream().mapToLong(k -> duringMaintenance(run, k).getLong("ok")).sum());
            for (String stat : List.of("p50", "p99", "max")) {
                row.add(orDash(detection(run, stat)));
            }
            csv.append(String.join(",", row.stream().map(String::valueOf).toList())).append('\n');
        }
        return csv.toString();
    }

    private static String summary(List<JsonObject> runs, long budgetWaitMs) {
        StringBuilder md = new StringBuilder("# Checkout benchmark\n\nTargets in the order run: ")
                .append(String.join(", ", runs.stream().map(r -> r.getString("target")).toList())).append(". ")
                .append(runs.get(0).getInteger("workers")).append(" merchants (")
                .append(runs.get(0).getInteger("resenders")).append(" resending as mixpayjs does), ")
                .append(runs.get(0).getLong("seconds")).append(" s per target.\n\n");
        md.append("| target | checkouts/min | creation success | MixPay calls per checkout | 1429 from MixPay | repeated creations "
                + "| merchant errors | p50/p99 ms assets | estimate | create | poll | poll answer age p50/p99/max ms "
                + "| paid to seen p50/p99/max ms |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonObject run : runs) {
            JsonObject mixpay = run.getJsonObject("mixpay");
            md.append("| ").append(run.getString("target")).append(" | ").append(fixed(perMinute(run)))
                    .append(" | ").append(fixed(creationSuccess(run))).append(" % | ").append(fixed(callsPerCheckout(run)))
                    .append(" | ").append(mixpay.getLong("rateLimited")).append(" | ").append(mixpay.getLong("repeatedCreations"))
                    .append(" | ").append(errors(run));
            for (String k : CheckoutTally.CALL_KINDS) {
                md.append(" | ").append(orDash(kind(run, k).getLong("p50Ms"))).append(" / ").append(orDash(kind(run, k).getLong("p99Ms")));
            }
            md.append(" | ").append(orDash(pollAge(run, "p50"))).append(" / ").append(orDash(pollAge(run, "p99")))
                    .append(" / ").append(orDash(pollAge(run, "max")));
            md.append(" | ").append(orDash(detection(run, "p50"))).append(" / ").append(orDash(detection(run, "p99")))
                    .append(" / ").append(orDash(detection(run, "max"))).append(" |\n");
        }
        md.append("\n## Targets (the gateway, one replica and two)\n\n| target | check | measured | |\n|---|---|---|---|\n");
        JsonObject direct = find(runs, "direct");
        JsonObject nginx = find(runs, "nginx");
        for (JsonObject run : runs) {
            if (!GATEWAYS.contains(run.getString("target"))) {
                continue;
            }
            String t = run.getString("target");
            long limited = run.getJsonObject("mixpay").getLong("rateLimited");
            verdict(md, t, "no 1429 from MixPay", limited + " × 1429", limited == 0);
            double success = creationSuccess(run);
            verdict(md, t, "every creation succeeds", fixed(success) + " %", success == 100.0);
            if (direct != null) {
                double ratio = perMinute(run) / perMinute(direct);
                verdict(md, t, "≥ 2× direct's checkouts/min", fixed(ratio) + "×", ratio >= 2);
            }
            if (nginx != null) {
                double ratio = perMinute(run) / perMinute(nginx);
                verdict(md, t, "≥ 1.5× nginx's checkouts/min", fixed(ratio) + "×", ratio >= 1.5);
            }
            // The interval is the one each answer came under: the gateway's X-Gateway-Poll-Interval, which
            // grows with the payments pending, or the merchant's own 2 s.
            Long over = run.getJsonObject("merchants").getJsonObject("pollAgeOverTwoIntervalsMs").getLong("max");
            Long oldest = pollAge(run, "max");
            verdict(md, t, "poll answers ≤ 2 × their interval + budget wait (" + budgetWaitMs + " ms)",
                    over == null ? "no poll answered" : "max " + oldest + " ms old, " + over + " ms past 2 × interval",
                    over != null && over <= budgetWaitMs);
            if (CALLBACK_TARGETS.contains(t)) {
                Long p99 = detection(run, "p99");
                verdict(md, t, "paid to seen p99 ≤ 2 s (one poll)", p99 == null ? "none seen" : p99 + " ms", p99 != null && p99 <= 2000);
                double calls = callsPerCheckout(run);
                verdict(md, t, "≤ 3 MixPay calls per completed checkout", fixed(calls), calls <= 3);
                JsonObject relay = run.getJsonObject("relay");
                if (relay != null) {
                    JsonObject lag = relay.getJsonObject("lagMs");
                    verdict(md, t, "merchants' relayed callbacks: one per payment, paid to received p50/p99/max",
                            relay.getLong("events") + " events, " + relay.getLong("posts") + " posts for " + relay.getLong("payments")
                                    + " payments; " + orDash(lag.getLong("p50")) + " / " + orDash(lag.getLong("p99")) + " / "
                                    + orDash(lag.getLong("max")) + " ms",
                            relay.getLong("events").equals(relay.getLong("payments")));
                }
                JsonObject gateway = find(runs, "gateway");
                if (gateway != null) {
                    verdict(md, t, "checkouts/min ≥ gateway's", fixed(perMinute(run)) + " against " + fixed(perMinute(gateway)),
                            perMinute(run) >= perMinute(gateway));
                }
            }
        }
        runs.stream().filter(r -> r.getLong("maintenanceFor") > 0).forEach(run -> {
            JsonObject during = duringMaintenance(run, "assets");
            verdict(md, run.getString("target"), "asset look-ups during " + run.getLong("maintenanceFor")
                    + " s of MixPay maintenance all answered", during.getLong("ok") + " of " + during.getLong("calls"),
                    during.getLong("calls") > 0 && during.getLong("ok").equals(during.getLong("calls")));
        });
        md.append("\n## Errors the merchants saw, by call and kind\n\n");
        for (JsonObject run : runs) {
            md.append("- **").append(run.getString("target")).append("**:");
            boolean any = false;
            for (String k : CheckoutTally.CALL_KINDS) {
                for (Map.Entry<String, Object> e : kind(run, k).getJsonObject("errors", new JsonObject())) {
                    md.append(any ? ";" : "").append(' ').append(k).append(' ').append(e.getKey()).append(": ").append(e.getValue());
                    any = true;
                }
            }
            md.append(any ? "" : " none").append('\n');
        }
        md.append("\n## Checkouts by outcome, resends, cache headers\n\n");
        for (JsonObject run : runs) {
            md.append("- **").append(run.getString("target")).append("**: ")
                    .append(run.getJsonObject("merchants").getJsonObject("checkouts").encode()).append("; resends ");
            md.append(String.join(", ", CheckoutTally.CALL_KINDS.stream().map(k -> k + " " + kind(run, k).getLong("resends", 0L)).toList()));
            md.append("; cache header (X-Gateway-Cache, or nginx's status) ");
            md.append(String.join(", ", CheckoutTally.CALL_KINDS.stream()
                    .map(k -> k + " " + kind(run, k).getJsonObject("cache", new JsonObject()).encode()).toList()));
            md.append("; Age header s ").append(run.getJsonObject("merchants").getJsonObject("pollAgeHeaderS").encode());
            md.append("; MixPay by endpoint ").append(run.getJsonObject("mixpay").getJsonObject("byEndpoint").encode()).append('\n');
        }
        return md.toString();
    }

    private static void verdict(StringBuilder md, String target, String check, String measured, boolean met) {
        md.append("| ").append(target).append(" | ").append(check).append(" | ").append(measured).append(" | ")
                .append(met ? "met" : "missed").append(" |\n");
    }

    private static JsonObject find(List<JsonObject> runs, String target) {
        return runs.stream().filter(r -> r.getString("target").equals(target)).findFirst().orElse(null);
    }

    private static void chart(List<JsonObject> runs, Path png) throws IOException {
        List<String> targets = runs.stream().map(r -> r.getString("target")).toList();
        CategoryChart rate = bars("checkouts completed per minute", "checkouts/min");
        rate.getStyler().setLegendVisible(false);
        rate.addSeries("checkouts/min", targets, runs.stream().map(r -> (Number) perMinute(r)).toList());
        CategoryChart calls = bars("MixPay calls per completed checkout", "calls");
        calls.getStyler().setLegendVisible(false);
        calls.addSeries("MixPay calls", targets, runs.stream().map(r -> (Number) zeroIfNaN(callsPerCheckout(r))).toList());
        // Logarithmic: a mixpayjs client stuck resending behind nginx's queue waits minutes, the rest milliseconds.
        CategoryChart latency = bars("p99 latency by call (log scale)", "p99 ms");
        latency.getStyler().setYAxisLogarithmic(true);
        // Bars start at zero, which a logarithmic axis cannot show: markers instead.
        latency.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        for (JsonObject run : runs) {
            latency.addSeries(run.getString("target"), CheckoutTally.CALL_KINDS, CheckoutTally.CALL_KINDS.stream()
                    .map(k -> (Number) Math.max(1, zeroIfNull(kind(run, k).getLong("p99Ms")))).toList());
        }
        CategoryChart age = bars("age of poll answers", "ms");
        for (String stat : List.of("p50", "p99", "max")) {
            age.addSeries(stat, targets, runs.stream().map(r -> (Number) zeroIfNull(pollAge(r, stat))).toList());
        }
        BitmapEncoder.saveBitmap(Stream.of(rate, calls, latency, age).toList(), 2, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart bars(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(640).height(400).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLabelRotation(15);
        return chart;
    }

    private static String fixed(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static Object orDash(Long value) {
        return value == null ? "-" : value;
    }

    private static long zeroIfNull(Long value) {
        return value == null ? 0 : value;
    }

    private static double zeroIfNaN(double value) {
        return Double.isNaN(value) ? 0 : value;
    }
}
