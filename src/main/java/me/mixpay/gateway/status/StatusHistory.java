package me.mixpay.gateway.status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

import me.mixpay.gateway.budget.BudgetMeters;
import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * The last quarter hour of this replica, for the status page's charts: one sample every
 * {@code gateway.status.sample-interval} in a fixed ring. It reads the gateway's own meters (the same
 * figures Prometheus scrapes), so the page and the dashboards never disagree; with Redis the budget's
 * figures are the cluster's ({@link ClusterCalls}); breaker openings are
 * caught as they happen, since a sample could miss a breaker that opened and closed in between.
 */
@Startup
@Singleton
public class StatusHistory {

    /** One sample: what happened since the previous one, and the budget's window as it stood. */
    public record Sample(long atMillis, double budgetUsed, double budgetLimit, double[] callsByClass, double[] windowCallsByClass,
            boolean clusterCalls, double refusals,
            double rateLimited, double hits, double misses, double pollIntervalSeconds, double pollAnswerAgeSeconds, double callbackToCacheMillis,
            int breakerOpenings) {
    }

    private final MeterRegistry registry;
    private final RouteTable routes;
    private final Sample[] ring;
    private final AtomicInteger openings = new AtomicInteger();
    /** Groups whose own breaker opened since the last sample; the rest that are newly open were opened otherwise. */
    private final java.util.Set<String> openedByTransition = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> openBefore = new java.util.HashSet<>();
    private final long timer;
    private final Vertx vertx;
    private int next;
    private int size;
    private final ClusterCalls clusterCalls;
    /** Samples per budget window: the bars sum this many, so they stand against the window's limit. */
    private final int windowSamples;
    private double[] lastCalls = new double[Priority.values().length];
    private final Map<String, double[]> highest = new HashMap<>();
    private boolean othersBefore;
    private double lastRefusals;
    private double lastRateLimited;
    private double lastHits;
    private double lastMisses;
    private final IntervalMean callbackToCache = new IntervalMean();
    private final IntervalMean pollAnswerAge = new IntervalMean();

    StatusHistory(MeterRegistry registry, RouteTable routes, StatusConfig config, Vertx vertx, ClusterCalls clusterCalls,
            GatewayConfig gateway) {
        this.registry = registry;
        this.clusterCalls = clusterCalls;
        this.routes = routes;
        this.vertx = vertx;
        long every = Math.max(100, config.sampleInterval().toMillis());
        this.windowSamples = (int) Math.max(1, Math.round(gateway.budget().window().toMillis() / (double) every));
        this.ring = new Sample[(int) Math.max(2, config.history().toMillis() / every)];
        for (RouteGroup group : routes.groups()) {
            group.onTransition(state -> {
                if ("open".equals(state)) {
                    openings.incrementAndGet();
                    openedByTransition.add(group.name());
                }
            });
        }
        sample(); // the baseline the first interval is counted from
        size = 0;
        this.timer = vertx.setPeriodic(every, id -> sample());
    }

    /** The samples, oldest first. */
    public synchronized List<Sample> samples() {
        List<Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[(next - size + i + ring.length) % ring.length]);
        }
        return out;
    }

    synchronized void sample() {
        // By the class each call was served in: the callbacks' checks and the reconciliations' look-ups too.
        double[] calls = BudgetMeters.callsByClass(registry);
        double[] callsNow = new double[calls.length];
        for (int i = 0; i < calls.length; i++) {
            callsNow[i] = Math.max(0, calls[i] - lastCalls[i]);
        }
        // With Redis, the other replicas' calls too: each one's counts since the last sample, so a replica
        // first seen now adds from the next sample on, and one that left takes nothing away. The counts
        // kept are the highest seen, so a read from a lagging Redis replica never counts calls twice. A
        // sample is the cluster's when the one before it read the others too; the first after an outage
        // (or at start) only takes their counts as its baseline, and says it is this replica's alone.
        Optional<Map<String, double[]>> others = clusterCalls.others();
        boolean cluster = others.isPresent() && othersBefore;
        others.ifPresent(now -> {
            highest.keySet().retainAll(now.keySet());
            now.forEach((replica, counts) -> {
                double[] kept = highest.computeIfAbsent(replica, r -> counts.clone());
                for (int i = 0; i < kept.length; i++) {
                    if (cluster) {
                        callsNow[i] += Math.max(0, counts[i] - kept[i]);
                    }
                    kept[i] = Math.max(kept[i], counts[i]);
                }
            });
        });
        othersBefore = others.isPresent();
        // The budget window's calls by class as of this sample: this one's and the samples' before it within a window.
        double[] inWindow = callsNow.clone();
        for (int back = 1; back < windowSamples && back <= size; back++) {
            double[] earlier = ring[(next - back + ring.length) % ring.length].callsByClass();
            for (int i = 0; i < inWindow.length; i++) {
                inWindow[i] += earlier[i];
            }
        }
        double refusals = sum(Search.in(registry).name("mixpay.gateway.budget.refusals"));
        double rateLimited = sum(Search.in(registry).name("mixpay.gateway.budget.mixpay.rate.limited"));
        double hits = sum(Search.in(registry).name("mixpay.gateway.cache.replies").tag("result", "hit"))
                + sum(Search.in(registry).name("mixpay.gateway.cache.replies").tag("result", "stale"));
        double misses = sum(Search.in(registry).name("mixpay.gateway.cache.replies").tag("result", "miss"));
        var toCache = Search.in(registry).name("mixpay.gateway.callback.to.cache").timer();
        double toCacheCount = toCache == null ? 0 : toCache.count();
        double toCacheTotal = toCache == null ? 0 : toCache.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
        double poll = Search.in(registry).name("mixpay.gateway.poll.interval").gauges().stream().mapToDouble(g -> g.value())
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        double ageCount = 0;
        double ageTotal = 0;
        for (var ages : Search.in(registry).name("mixpay.gateway.poll.answer.age").summaries()) {
            ageCount += ages.count();
            ageTotal += ages.totalAmount();
        }
        Sample sample = new Sample(System.currentTimeMillis(), gauge("mixpay.gateway.budget.used"), gauge("mixpay.gateway.budget.limit"),
                callsNow, inWindow, cluster, Math.max(0, refusals - lastRefusals), Math.max(0, rateLimited - lastRateLimited), Math.max(0, hits - lastHits),
                Math.max(0, misses - lastMisses), poll,
                pollAnswerAge.since(ageCount, ageTotal), callbackToCache.since(toCacheCount, toCacheTotal),
                openings.getAndSet(0) + openedOtherwise());
        lastCalls = calls;
        lastRefusals = refusals;
        lastRateLimited = rateLimited;
        lastHits = hits;
        lastMisses = misses;
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(ring.length, size + 1);
    }

    /**
     * Groups open now that were not at the last sample, and whose own breaker did not open in between: forced
     * open by an operator, or held open by another replica's maintenance notice. The table shows them open;
     * the chart marks them too.
     */
    private int openedOtherwise() {
        int opened = 0;
        for (RouteGroup group : routes.groups()) {
            boolean open = "open".equals(group.breakerLabel());
            if (open && !openBefore.contains(group.name()) && !openedByTransition.contains(group.name())) {
                opened++;
            }
            if (open) {
                openBefore.add(group.name());
            } else {
                openBefore.remove(group.name());
            }
        }
        openedByTransition.clear();
        return opened;
    }

    /** The mean of what a summary or timer recorded since the last sample, from its running count and total. */
    private static final class IntervalMean {
        private double lastCount;
        private double lastTotal;

        /** NaN when nothing was recorded in the interval. */
        double since(double count, double total) {
            double mean = count > lastCount ? (total - lastTotal) / (count - lastCount) : Double.NaN;
            lastCount = count;
            lastTotal = total;
            return mean;
        }
    }

    private double gauge(String name) {
        var gauge = Search.in(registry).name(name).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static double sum(Search search) {
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(timer);
    }
}
