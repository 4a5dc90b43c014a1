package me.mixpay.gateway.status;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the on-call status page: one self-contained HTML document (inline style, no script, no
 * external resources) that reloads itself every few seconds. Rendering on the server keeps the page
 * readable in any browser, curl included, and leaves nothing to load from a CDN.
 */
public final class StatusPage {

    static final int REFRESH_SECONDS = 5;

    private StatusPage() {
    }

    public static String render(BudgetStatus budget, CallbackStatus callbacks, List<GroupStatus> groups, List<StatusHistory.Sample> history,
            long historyMillis, long nowMillis) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>mixpay-gateway status</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2330}")
                .append("table{border-collapse:collapse;width:100%}th,td{padding:.45em .6em;border-bottom:1px solid #dde;")
                .append("text-align:left;vertical-align:top}th{background:#f3f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".breaker{font-weight:600;padding:.1em .5em;border-radius:.3em}")
                .append(".closed{background:#d8f3dc}.open{background:#ffccd0}.half_open{background:#fff1c2}")
                .append("ul{margin:0;padding-left:1.1em}small{color:#667}")
                // A table wider than a phone scrolls in its own box; the page never scrolls sideways.
                .append(".wide{overflow-x:auto}")
                .append(".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1em}")
                .append("figure{margin:0}figcaption{font-size:13px;color:#445}svg{width:100%;height:auto;background:#fafbfd}")
                .append(".legend{margin:.2em 0 0;font-size:12px;color:#445;display:flex;flex-wrap:wrap;gap:.2em .9em}")
                .append(".legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}")
                .append("@media (max-width:700px){body{margin:.6em}table{font-size:12px}th,td{padding:.3em}}")
                .append("</style></head><body>")
                .append("<h1>mixpay-gateway</h1><p><small>Rates and errors cover the last ").append(TrafficWindow.SECONDS)
                .append(" s; latency is a sliding minute; codes count since start-up. Updated ")
                .append(Instant.ofEpochMilli(nowMillis)).append(", reloads every ").append(REFRESH_SECONDS)
                .append(" s.</small></p>");
        budget(html, budget);
        StatusCharts.render(html, history, historyMillis, callbacks.enabled());
        callbacks(html, callbacks);
        html.append("<div class=\"wide\"><table id=\"routes\"><thead><tr><th>Route group</th><th>Breaker</th><th>Requests/s</th>")
                .append("<th>Errors by category</th><th>Retries</th><th>p50 ms</th><th>p99 ms</th>")
                .append("<th>Most frequent MixPay codes</th></tr></thead><tbody>");
        for (GroupStatus group : groups) {
            row(html, group, nowMillis);
        }
        return html.append("</tbody></table></div></body></html>").toString();
    }

    /** MixPay's 60 calls a minute are the scarcest thing the gateway has: they come first. */
    private static void budget(StringBuilder html, BudgetStatus b) {
        int percent = b.limit() == 0 ? 100 : Math.min(100, b.used() * 100 / b.limit());
        html.append("<section id=\"budget\" data-used=\"").append(b.used()).append("\" data-limit=\"").append(b.limit())
                .append("\" data-store=\"").append(escape(b.store())).append("\"><h2>MixPay budget</h2><p><b>")
                .append(b.used()).append(" of ").append(b.limit()).append("</b> calls used in the last ")
                .append(b.windowMillis() / 1000).append(" s (").append(percent).append(" %)")
                .append(" · count kept in <b>").append(escape(b.store())).append("</b>, ").append(b.replicas())
                .append(b.replicas() == 1 ? " replica" : " replicas").append(" seen");
        if (b.mixpayRemaining() >= 0) {
            html.append(" · MixPay last said ").append(b.mixpayRemaining()).append(" left");
        }
        html.append("</p><p>Waiting:");
        b.waitingByClass().forEach((priority, waiting) -> html.append(" <span data-class=\"").append(priority).append("\">")
                .append(priority).append(' ').append(waiting).append("</span>"));
        html.append("</p>");
        if (b.pausedMillis() > 0) {
            html.append("<p class=\"open\" id=\"paused\">MixPay answered 1429: no call goes to MixPay for ")
                    .append(since(b.pausedMillis())).append("</p>");
        }
        html.append("</section>");
    }

    /** MixPay's callbacks: what arrived, what was refused and why, and what waits for merchants. */
    private static void callbacks(StringBuilder html, CallbackStatus c) {
        if (!c.enabled()) {
            html.append("<section id=\"callbacks\" data-enabled=\"false\"><h2>MixPay callbacks</h2>")
                    .append("<p>Off: gateway.callbacks.public-url is not set; polls are the only news of a payment.</p></section>");
            return;
        }
        html.append("<section id=\"callbacks\" data-enabled=\"true\" data-received=\"").append((long) c.received())
                .append("\" data-verified=\"").append((long) c.verified()).append("\"><h2>MixPay callbacks</h2><p><b>")
                .append((long) c.received()).append("</b> received · <b>").append((long) c.verified()).append("</b> verified final · ")
                .append((long) c.deferred()).append(" sent back to MixPay to try again · callback to poll cache p99 ")
                .append(millis(c.toCacheP99Ms())).append("</p><p>Refused:");
        double refusedTotal = 0;
        for (Map.Entry<String, Double> reason : c.refused().entrySet()) {
            if (reason.getValue() > 0) {
                refusedTotal += reason.getValue();
                html.append(" <span class=\"").append(reason.getKey().endsWith("mismatch") && !reason.getKey().startsWith("ids") ? "open" : "")
                        .append("\" data-reason=\"").append(escape(reason.getKey())).append("\">").append(escape(reason.getKey()))
                        .append(' ').append((long) (double) reason.getValue()).append("</span>");
            }
        }
        html.append(refusedTotal == 0 ? " none" : "").append("</p><p>Relay to merchants: <b>").append(c.relayWaiting())
                .append("</b> waiting · <span class=\"").append(c.relayDead() > 0 ? "open" : "").append("\" id=\"relay-dead\">")
                .append(c.relayDead()).append(" dead</span> · ").append((long) c.relayDelivered()).append(" delivered · lag p99 ")
                .append(millis(c.relayLagP99Ms())).append(" <small>(GET /admin/callbacks)</small></p></section>");
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f ms", value);
    }

    private static void row(StringBuilder html, GroupStatus g, long nowMillis) {
        html.append("<tr data-route=\"").append(escape(g.route())).append("\" data-breaker=\"").append(g.breaker()).append("\">")
                .append("<td>").append(escape(g.route())).append("</td>")
                .append("<td><span class=\"breaker ").append(g.breaker()).append("\">").append(g.breaker().replace('_', '-'))
                .append(g.forcedOpen() ? " (forced)" : "").append("</span><br><small>for ")
                .append(since(nowMillis - g.breakerSinceMs())).append("</small></td>")
                .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.2f", g.requestsPerSecond())).append("</td><td>");
        if (g.errorRates().isEmpty()) {
            html.append("none");
        } else {
            html.append("<ul>");
            for (Map.Entry<String, Double> rate : g.errorRates().entrySet()) {
                html.append("<li data-kind=\"").append(rate.getKey()).append("\">").append(rate.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f%%", rate.getValue() * 100)).append("</li>");
            }
            html.append("</ul>");
        }
        html.append("</td><td class=\"num\">").append(g.retries()).append("</td>")
                .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.1f", g.p50Millis())).append("</td>")
                .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.1f", g.p99Millis())).append("</td><td>");
        if (g.topCodes().isEmpty()) {
            html.append("none yet");
        } else {
            html.append("<ul>");
            for (GroupStatus.CodeCount code : g.topCodes()) {
                html.append("<li data-code=\"").append(escape(code.code())).append("\"><b>").append(escape(code.code()))
                        .append("</b> ×").append(code.count()).append(" <small>").append(escape(code.message()))
                        .append("</small></li>");
            }
            html.append("</ul>");
        }
        html.append("</td></tr>");
    }

    static String since(long millis) {
        long seconds = Math.max(0, millis / 1000);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
