package me.mixpay.gateway.observe;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

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
 * Meters whose labels are known at start-up (per route group) are built once, so the per-request path
 * only records; meters with request-dependent labels are looked up by the registry as usual.
 */
@Startup // gauges and breaker listeners must exist before the first request, not after it
@ApplicationScoped
public class GatewayMetrics implements ExchangeListener {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    private final MeterRegistry registry;
    private final ErrorCatalog catalog = ErrorCatalog.mixpay();
    private final Map<String, RouteMeters> byRoute = new ConcurrentHashMap<>();

    /** The meters of one route group that need no label beyond the route. */
    private record RouteMeters(Timer requestDuration, Counter attempts) {
    }

    private final Set<String> merchants;

    GatewayMetrics(MeterRegistry registry, RouteTable routes, MerchantGate gate) {
        this.registry = registry;
        this.merchants = gate.merchants();
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
            Timer attemptReplied = attemptDuration(route, "reply");
            Timer attemptFailed = attemptDuration(route, "failure");
            group.onAttempt((replied, nanos) -> (replied ? attemptReplied : attemptFailed).record(nanos, TimeUnit.NANOSECONDS));
            Map<String, Counter> transitions = new ConcurrentHashMap<>();
            group.onTransition(state -> transitions.computeIfAbsent(state, to -> Counter.builder("mixpay.gateway.circuit.transitions")
                    .description("Breaker state changes").tag("route", route).tag("to", to).register(registry)).increment());
            Map<String, Counter> retries = new ConcurrentHashMap<>();
            group.onRetry(reason -> retries.computeIfAbsent(reason, why -> Counter.builder("mixpay.gateway.retries")
                    .description("Upstream retries by reason").tag("route", route).tag("reason", why).register(registry)).increment());
        }
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        String route = exchange.route();
        String category = forwarded.reply() != null ? forwarded.reply().inspection().category().label() : "gateway";
        Counter.builder("mixpay.gateway.requests")
                .description("Merchant requests by route group, method, outcome and MixPay category")
                .tag("route", route)
                .tag("method", method(exchange))
                .tag("outcome", Outcome.of(forwarded).label())
                .tag("category", category)
                .register(registry).increment();
        // A request that failed before a group was chosen (a gateway bug) still counts, under "none".
        RouteMeters meters = byRoute.computeIfAbsent(route, r -> new RouteMeters(requestDuration(r), attempts(r)));
        meters.requestDuration().record(durationNanos, TimeUnit.NANOSECONDS);
        meters.attempts().increment(exchange.attempts());
        countMerchant(exchange.merchant(), Outcome.of(forwarded).label());
        if (forwarded.reply() != null) {
            Counter.builder("mixpay.gateway.mixpay.codes")
                    .description("MixPay codes seen in replies (catalog codes, 0, none or other)")
                    .tag("code", catalog.boundedLabel(forwarded.reply().inspection().code()))
                    .register(registry).increment();
        }
    }

    @Override
    public void refused(String requestId, String method, String path, GatewayError error, String merchant) {
        Counter.builder("mixpay.gateway.refusals")
                .description("Requests refused before any route group saw them, by reason")
                .tag("reason", error.reason())
                .register(registry).increment();
        if (merchant != null) {
            countMerchant(merchant, error.reason());
        }
    }

    /** Merchants come from configuration; anything else (never expected) is "other", keeping the set closed. */
    private void countMerchant(String merchant, String outcome) {
        Counter.builder("mixpay.gateway.merchant.requests")
                .description("Requests by authenticated merchant and outcome")
                .tag("merchant", merchants.contains(merchant) ? merchant : "other")
                .tag("outcome", outcome)
                .register(registry).increment();
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
