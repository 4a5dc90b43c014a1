package me.mixpay.gateway.observe;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

import me.mixpay.gateway.auth.MerchantGate;
import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.proxy.ExchangeListener;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * The gateway's own Prometheus metrics. Every label value comes from a closed set (route groups from
 * configuration, standard methods, outcomes, categories, catalog codes), so no request can create a
 * new series: an unknown code is {@code other}, an unknown method {@code other}.
 * <p>
 * Meters whose labels are known at start-up (per route group) are built once; those with
 * request-dependent labels are built on first use and kept ({@link CounterFamily}), so the per-request
 * path only records.
 */
@Startup // gauges and breaker listeners must exist before the first request, not after it
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class GatewayMetrics implements ExchangeListener {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    private final MeterRegistry registry;
    private final ErrorCatalog catalog = ErrorCatalog.mixpay();
    private final Map<String, RouteMeters> byRoute = new ConcurrentHashMap<>();
    private final Set<String> merchants;
    private final CounterFamily requests;
    private final CounterFamily codes;
    private final CounterFamily refusals;
    private final CounterFamily merchantRequests;

    /** The meters of one route group that need no label beyond the route. */
    private record RouteMeters(Timer requestDuration, Counter attempts) {
    }

    GatewayMetrics(MeterRegistry registry, RouteTable routes, MerchantGate gate) {
        this.registry = registry;
        this.merchants = gate.merchants();
        this.requests = new CounterFamily(registry, "mixpay.gateway.requests",
                "Merchant requests by route group, method, outcome and MixPay category", "route", "method", "outcome", "category");
        this.codes = new CounterFamily(registry, "mixpay.gateway.mixpay.codes",
                "MixPay codes seen in replies (catalog codes, 0, none or other)", "code");
        this.refusals = new CounterFamily(registry, "mixpay.gateway.refusals",
                "Requests refused before any route group saw them, by reason", "reason");
        this.merchantRequests = new CounterFamily(registry, "mixpay.gateway.merchant.requests",
                "Requests by authenticated merchant and outcome", "merchant", "outcome");
        CounterFamily transitions = new CounterFamily(registry, "mixpay.gateway.circuit.transitions",
                "Breaker state changes", "route", "to");
        CounterFamily retries = new CounterFamily(registry, "mixpay.gateway.retries",
                "Upstream retries by reason", "route", "reason");
        for (RouteGroup group : routes.groups()) {
            String route = group.name();
            byRoute.put(route, new RouteMeters(requestDuration(route), attempts(route)));
            Gauge.builder("mixpay.gateway.circuit.state", group, g -> switch (g.breakerState()) {
                case CLOSED -> 0;
                case OPEN -> 1;
                case HALF_OPEN -> 2;
            }).description("Route group breaker: 0 closed, 1 open, 2 half-open").tag("route", route).register(registry);
            Gauge.builder("mixpay.gateway.retry.budget.remaining", group, RouteGroup::retryBudgetRemaining)
                    .description("Retries the group may still make in the current budget window")
                    .tag("route", route).register(registry);
            // The bulkhead's use from the gateway's own meters, so SmallRye's ft_* series (9 % of CPU) can stay off.
            Gauge.builder("mixpay.gateway.bulkhead.running", group, RouteGroup::attemptsRunning)
                    .description("Attempts of the group in flight to MixPay (bounded by bulkhead.max-concurrent)")
                    .tag("route", route).register(registry);
            Gauge.builder("mixpay.gateway.bulkhead.waiting", group, RouteGroup::attemptsWaiting)
                    .description("Requests of the group waiting for a bulkhead slot or backing off before a retry")
                    .tag("route", route).register(registry);
            Timer attemptReplied = attemptDuration(route, "reply");
            Timer attemptFailed = attemptDuration(route, "failure");
            group.onAttempt((replied, nanos) -> (replied ? attemptReplied : attemptFailed).record(nanos, TimeUnit.NANOSECONDS));
            group.onTransition(state -> transitions.series(route, state).increment());
            group.onRetry(reason -> retries.series(route, reason).increment());
        }
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        String route = exchange.route();
        String category = forwarded.reply() != null ? forwarded.reply().inspection().category().label() : "gateway";
        String outcome = Outcome.of(forwarded).label();
        requests.series(route, method(exchange), outcome, category).increment();
        // A request that failed before a group was chosen (a gateway bug) still counts, under "none".
        RouteMeters meters = byRoute.computeIfAbsent(route, r -> new RouteMeters(requestDuration(r), attempts(r)));
        meters.requestDuration().record(durationNanos, TimeUnit.NANOSECONDS);
        meters.attempts().increment(exchange.attempts());
        countMerchant(exchange.merchant(), outcome);
        if (forwarded.reply() != null) {
            codes.series(catalog.boundedLabel(forwarded.reply().inspection().code())).increment();
        }
    }

    @Override
    public void refused(String requestId, String method, String path, GatewayError error, String merchant) {
        refusals.series(error.reason()).increment();
        if (merchant != null) {
            countMerchant(merchant, error.reason());
        }
    }

    /** Merchants come from configuration; anything else (never expected) is "other", keeping the set closed. */
    private void countMerchant(String merchant, String outcome) {
        merchantRequests.series(merchants.contains(merchant) ? merchant : "other", outcome).increment();
    }

    private Timer requestDuration(String route) {
        return Timer.builder("mixpay.gateway.request.duration")
                .description("Whole merchant request, retries and back-offs included")
                .tag("route", route).publishPercentileHistogram().register(registry);
    }

    private Counter attempts(String route) {
        return Counter.builder("mixpay.gateway.upstream.attempts")
                .description("Upstream attempts by route group").tag("route", route).register(registry);
    }

    private Timer attemptDuration(String route, String result) {
        return Timer.builder("mixpay.gateway.upstream.attempt.duration")
                .description("One upstream attempt, connect to last byte")
                .tag("route", route).tag("result", result).publishPercentileHistogram().register(registry);
    }

    private static String method(ProxyExchange exchange) {
        String name = exchange.method().name();
        return METHODS.contains(name) ? name : "other";
    }
}
