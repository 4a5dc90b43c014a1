package me.mixpay.gateway.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.catalog.ErrorCode;
import me.mixpay.gateway.observe.Outcome;
import me.mixpay.gateway.proxy.ExchangeListener;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * What the status page reads: per route group, the last minute of traffic, latency percentiles over a
 * sliding minute, and code counts. It keeps its own figures instead of scraping the Prometheus registry
 * because the page needs recent percentiles and rates, which Prometheus computes only at query time.
 * <p>
 * Latency percentiles come from Micrometer timers in a private registry, so they never show up on
 * {@code /q/metrics} as client-side quantiles (which Prometheus cannot aggregate across replicas).
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class StatusBoard implements ExchangeListener {

    private static final int TOP_CODES = 5;

    /** What a failed request is counted as: MixPay's category, or what the gateway did itself. */
    static final List<String> ERROR_KINDS = errorKinds();

    private final RouteTable routes;
    private final ErrorCatalog catalog = ErrorCatalog.mixpay();
    private final SimpleMeterRegistry percentiles = new SimpleMeterRegistry();
    private final Map<String, Group> groups = new ConcurrentHashMap<>();

    private record Group(TrafficWindow window, Timer latency, Map<String, LongAdder> codes) {
    }

    StatusBoard(RouteTable routes) {
        this.routes = routes;
        for (RouteGroup group : routes.groups()) {
            groups.put(group.name(), newGroup(group.name()));
        }
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        Group group = groups.get(exchange.route());
        if (group == null) {
            group = groups.computeIfAbsent(exchange.route(), this::newGroup);
        }
        group.window().record(System.currentTimeMillis(), Math.max(0, exchange.attempts() - 1), errorKind(forwarded));
        group.latency().record(durationNanos, TimeUnit.NANOSECONDS);
        if (forwarded.reply() != null) {
            group.codes().computeIfAbsent(catalog.boundedLabel(forwarded.reply().inspection().code()), c -> new LongAdder())
                    .increment();
        }
    }

    /** Every configured group, in configuration order, as of now. */
    public List<GroupStatus> snapshot() {
        long now = System.currentTimeMillis();
        List<GroupStatus> rows = new ArrayList<>();
        for (RouteGroup route : routes.groups()) {
            Group group = groups.get(route.name());
            TrafficWindow.Totals totals = group.window().totals(now);
            Map<String, Double> rates = new LinkedHashMap<>();
            for (int i = 0; i < ERROR_KINDS.size(); i++) {
                if (totals.errors()[i] > 0) {
                    rates.put(ERROR_KINDS.get(i), (double) totals.errors()[i] / totals.requests());
                }
            }
            double p50 = 0;
            double p99 = 0;
            for (ValueAtPercentile p : group.latency().takeSnapshot().percentileValues()) {
                if (p.percentile() == 0.5) {
                    p50 = p.value(TimeUnit.MILLISECONDS);
                } else if (p.percentile() == 0.99) {
                    p99 = p.value(TimeUnit.MILLISECONDS);
                }
            }
            rows.add(new GroupStatus(route.name(), totals.requests() / (double) TrafficWindow.SECONDS, totals.requests(),
                    totals.retries(), rates, route.breakerLabel(),
                    route.forcedOpen(), route.lastTransitionMillis(), p50, p99, topCodes(group)));
        }
        return rows;
    }

    private List<GroupStatus.CodeCount> topCodes(Group group) {
        return group.codes().entrySet().stream()
                .map(e -> new GroupStatus.CodeCount(e.getKey(), e.getValue().sum(), describe(e.getKey())))
                .sorted(Comparator.comparingLong(GroupStatus.CodeCount::count).reversed())
                .limit(TOP_CODES).toList();
    }

    private String describe(String label) {
        return switch (label) {
            case "0" -> "Success";
            case "none" -> "No MixPay code in the reply";
            case "other" -> "Codes not in the MixPay catalog";
            default -> catalog.lookup(Long.parseLong(label)).map(ErrorCode::message).orElse("");
        };
    }

    private Group newGroup(String route) {
        Timer latency = Timer.builder("status.latency").tag("route", route)
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofSeconds(TrafficWindow.SECONDS))
                .distributionStatisticBufferLength(3)
                .register(percentiles);
        return new Group(new TrafficWindow(ERROR_KINDS), latency, new ConcurrentHashMap<>());
    }

    private static String errorKind(Forwarded forwarded) {
        if (forwarded.reply() != null) {
            Category category = forwarded.reply().inspection().category();
            return category == Category.SUCCESS ? null : category.label();
        }
        Outcome outcome = Outcome.of(forwarded);
        return outcome == Outcome.BUDGET_EXHAUSTED ? Category.RATE_LIMITED.label() : outcome.label();
    }

    private static List<String> errorKinds() {
        List<String> kinds = new ArrayList<>();
        for (Category category : Category.values()) {
            if (category != Category.SUCCESS) {
                kinds.add(category.label());
            }
        }
        // The gateway's own refusals; its rate limiter counts with MixPay's 1429 as rate_limited.
        kinds.add(Outcome.CIRCUIT_OPEN.label());
        kinds.add(Outcome.BULKHEAD_FULL.label());
        kinds.add(Outcome.GATEWAY_ERROR.label());
        return List.copyOf(kinds);
    }
}
