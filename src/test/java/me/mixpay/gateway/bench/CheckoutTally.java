package me.mixpay.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the merchants of one run saw, kept whole (a run has a few thousand calls) so the report can take
 * any quantile: per call kind the latency of each logical call, its errors by kind, the gateway's cache
 * headers; the age of each poll answer; checkouts by outcome. Phases split a run with MixPay in
 * maintenance into before, during and after.
 */
final class CheckoutTally {

    static final List<String> CALL_KINDS = List.of("assets", "estimate", "create", "poll");

    private static final class Calls {
        final List<Long> latencyMs = new ArrayList<>();
        long ok;
        long resends;
        final Map<String, Long> errors = new TreeMap<>();
        final Map<String, Long> cache = new TreeMap<>();
        final Map<String, long[]> byPhase = new TreeMap<>();
    }

    private final Map<String, Calls> calls = new TreeMap<>();
    private final List<Long> pollAgeMs = new ArrayList<>();
    /** From MixPay marking a payment paid to the merchant's poll seeing it, per completed checkout. */
    private final List<Long> detectionMs = new ArrayList<>();
    private final List<Long> pollAgeHeaderS = new ArrayList<>();
    /** Each poll answer's age less twice the poll interval it came under (the gateway's, or the merchant's own). */
    private final List<Long> pollAgeOverTwoIntervalsMs = new ArrayList<>();
    private final long pollIntervalMs;

    CheckoutTally(long pollIntervalMs) {
        this.pollIntervalMs = pollIntervalMs;
    }
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final List<Long> completedAtMs = new ArrayList<>();
    private long creationsTried;
    private long creationsSucceeded;

    synchronized void call(String kind, String phase, MerchantClient.Reply reply) {
        Calls c = calls.computeIfAbsent(kind, k -> new Calls());
        c.latencyMs.add(reply.latencyMs());
        c.resends += reply.resends();
        long[] phased = c.byPhase.computeIfAbsent(phase, p -> new long[2]);
        phased[0]++;
        if (reply.ok()) {
            c.ok++;
            phased[1]++;
        } else {
            c.errors.merge(("none".equals(phase) ? "" : phase + ": ") + reply.kind(), 1L, Long::sum);
        }
        // The gateway's cache header, or nginx's cache status (bench/nginx-checkout.conf adds it on look-ups).
        reply.header("X-Gateway-Cache").or(() -> reply.header("X-Nginx-Cache").map(status -> "nginx " + status))
                .ifPresent(value -> c.cache.merge(value, 1L, Long::sum));
        if (kind.equals("poll") && reply.ok()) {
            Long stamped = reply.envelope().getLong("timestampMs");
            if (stamped != null) {
                long age = Math.max(0, System.currentTimeMillis() - stamped);
                pollAgeMs.add(age);
                long interval = reply.header("X-Gateway-Poll-Interval").map(s -> Long.parseLong(s.trim()) * 1000)
                        .orElse(pollIntervalMs);
                pollAgeOverTwoIntervalsMs.add(age - 2 * Math.max(pollIntervalMs, interval));
            }
            reply.header("Age").ifPresent(age -> pollAgeHeaderS.add(Long.parseLong(age.trim())));
        }
    }

    synchronized void detected(long millis) {
        detectionMs.add(Math.max(0, millis));
    }

    synchronized void creation(boolean succeeded) {
        creationsTried++;
        if (succeeded) {
            creationsSucceeded++;
        }
    }

    synchronized void outcome(String outcome, long atMs) {
        outcomes.merge(outcome, 1L, Long::sum);
        if (outcome.equals("completed")) {
            completedAtMs.add(atMs);
        }
    }

    synchronized long completed() {
        return outcomes.getOrDefault("completed", 0L);
    }

    synchronized JsonObject toJson() {
        JsonObject perKind = new JsonObject();
        calls.forEach((kind, c) -> {
            JsonObject phases = new JsonObject();
            c.byPhase.forEach((phase, n) -> phases.put(phase, new JsonObject().put("calls", n[0]).put("ok", n[1])));
            perKind.put(kind, new JsonObject().put("calls", c.latencyMs.size()).put("ok", c.ok).put("resends", c.resends)
                    .put("p50Ms", quantile(c.latencyMs, 0.50)).put("p99Ms", quantile(c.latencyMs, 0.99))
                    .put("maxMs", quantile(c.latencyMs, 1.0))
                    .put("errors", counts(c.errors)).put("cache", counts(c.cache)).put("byPhase", phases));
        });
        return new JsonObject().put("calls", perKind)
                .put("checkouts", counts(outcomes)).put("completedAtMs", new JsonArray(new ArrayList<>(completedAtMs)))
                .put("creations", new JsonObject().put("tried", creationsTried).put("succeeded", creationsSucceeded))
                .put("pollAgeMs", summary(pollAgeMs)).put("pollAgeHeaderS", summary(pollAgeHeaderS))
                .put("pollAgeOverTwoIntervalsMs", summary(pollAgeOverTwoIntervalsMs))
                .put("detectionMs", summary(detectionMs));
    }

    private static JsonObject summary(List<Long> values) {
        return new JsonObject().put("count", values.size()).put("p50", quantile(values, 0.50))
                .put("p99", quantile(values, 0.99)).put("max", quantile(values, 1.0));
    }

    private static JsonObject counts(Map<String, Long> counts) {
        JsonObject json = new JsonObject();
        counts.forEach(json::put);
        return json;
    }

    /** Nearest-rank quantile; null when nothing was measured. */
    static Long quantile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
