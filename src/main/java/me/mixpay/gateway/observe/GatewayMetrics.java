package me.mixpay.gateway.observe;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.quarkus.runtime.Startup;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.proxy.ExchangeListener;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * The gateway's own Prometheus metrics. Every label value comes from a closed set (route groups from
 * configuration, standard methods, outcomes, categories, catalog codes), so no request can create a
 * new series: an unknown code is {@code other}, an unknown method {@code other}.
 */
@Startup // gauges and breaker listeners must exist before the first request, not after it
@ApplicationScoped
public class GatewayMetrics implements ExchangeListener {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    private final MeterRegistry registry;
    private final ErrorCatalog catalog = ErrorCatalog.mixpay();

    GatewayMetrics(MeterRegistry registry, RouteTable routes) {
        this.registry = registry;
        for (RouteGroup group : routes.groups()) {
            Gauge.builder("mixpay.gateway.circuit.state", group, g -> switch (g.breakerState()) {
                case CLOSED -> 0;
                case OPEN -> 1;
                case HALF_OPEN -> 2;
            }).description("Route group breaker: 0 closed, 1 open, 2 half-open").tag("route", group.name()).register(registry);
            Gauge.builder("mixpay.gateway.retry.budget.remaining", group, RouteGroup::retryBudgetRemaining)
                    .description("Retries the group may still make in the current budget window")
                    .tag("route", group.name()).register(registry);
            group.onTransition(state -> Counter.builder("mixpay.gateway.circuit.transitions")
                    .description("Breaker state changes").tag("route", group.name()).tag("to", state)
                    .register(registry).increment());
            group.onRetry(reason -> Counter.builder("mixpay.gateway.retries")
                    .description("Upstream retries by reason").tag("route", group.name()).tag("reason", reason)
                    .register(registry).increment());
        }
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        String category = forwarded.reply() != null ? forwarded.reply().inspection().category().label() : "gateway";
        Counter.builder("mixpay.gateway.requests")
                .description("Merchant requests by route group, method, outcome and MixPay category")
                .tag("route", exchange.route())
                .tag("method", method(exchange))
                .tag("outcome", Outcome.of(forwarded).label())
                .tag("category", category)
                .register(registry).increment();
        Timer.builder("mixpay.gateway.request.duration")
                .description("Whole merchant request, retries and back-offs included")
                .tag("route", exchange.route())
                .publishPercentileHistogram()
                .register(registry).record(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (forwarded.reply() != null) {
            Counter.builder("mixpay.gateway.mixpay.codes")
                    .description("MixPay codes seen in replies (catalog codes, 0, none or other)")
                    .tag("code", codeLabel(forwarded.reply().inspection().code()))
                    .register(registry).increment();
        }
        Counter.builder("mixpay.gateway.upstream.attempts")
                .description("Upstream attempts by route group").tag("route", exchange.route())
                .register(registry).increment(exchange.attempts());
    }

    private String codeLabel(Long code) {
        if (code == null) {
            return "none";
        }
        return code == 0 || catalog.lookup(code).isPresent() ? Long.toString(code) : "other";
    }

    private static String method(ProxyExchange exchange) {
        String name = exchange.method().name();
        return METHODS.contains(name) ? name : "other";
    }
}
