package me.mixpay.gateway.observe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

import me.mixpay.gateway.auth.MerchantGate;
import me.mixpay.gateway.catalog.Category;
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

    /** The methods counted by name, in slot order; every other is "other", the slot after them. */
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other");

    /** {@code mixpay.gateway.requests}' category of a request the gateway answered itself: after the reply categories. */
    private static final int GATEWAY_CATEGORY = Category.values().length;
    /** Read once: {@code values()} copies its array on every call. */
    private static final int OUTCOMES = Outcome.values().length;

    private final MeterRegistry registry;
    private final ErrorCatalog catalog = ErrorCatalog.mixpay();
    private final Map<String, RouteMeters> byRoute = new ConcurrentHashMap<>();
    private final Set<String> merchants;
    private final CounterFamily requests;
    private final CounterFamily codes;
    private final CounterFamily refusals;
    private final CounterFamily merchantRequests;
    /** Per known merchant (and "other"), its request counters by {@link Outcome}, found without building a key. */
    private final Map<String, AtomicReferenceArray<Counter>> byMerchant = new HashMap<>();
    /** The code counters of codes the catalog bounds to themselves, by code. */
    private final Map<Long, Counter> byCode = new ConcurrentHashMap<>();

    /**
     * The meters of one route group: those that need no label beyond the route, and its request
     * counters by method, outcome and category, each taken from {@link CounterFamily} on its first use (so
     * a series still appears when it first counts) and then read from a slot, with no key built per request.
     */
    private record RouteMeters(String route, Timer requestDuration, Counter attempts, AtomicReferenceArray<Counter> requests) {

        RouteMeters(String route, Timer requestDuration, Counter attempts) {
            this(route, requestDuration, attempts,
                    new AtomicReferenceArray<>(METHODS.size() * OUTCOMES * (GATEWAY_CATEGORY + 1)));
        }
    }

    GatewayMetrics(MeterRegistry registry, RouteTable routes, MerchantGate gate) {
        this.registry = registry;
        this.merchants = gate.merchants();
        for (String merchant : merchants) {
            byMerchant.put(merchant, new AtomicReferenceArray<>(OUTCOMES));
        }
        byMerchant.putIfAbsent("other", new AtomicReferenceArray<>(OUTCOMES));
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
            byRoute.put(route, new RouteMeters(route, requestDuration(route), attempts(route)));
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
            // Every state's series exists from startup at 0: a rate or increase() sees the first opening too.
            for (CircuitBreakerState state : CircuitBreakerState.values()) {
                transitions.series(route, RouteGroup.label(state));
            }
            group.onTransition(state -> transitions.series(route, state).increment());
            group.onRetry(reason -> retries.series(route, reason).increment());
        }
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        String route = exchange.route();
        Outcome outcome = Outcome.of(forwarded);
        // A request that failed before a group was chosen (a gateway bug) still counts, under "none".
        RouteMeters meters = byRoute.get(route);
        if (meters == null) {
            meters = byRoute.computeIfAbsent(route, r -> new RouteMeters(r, requestDuration(r), attempts(r)));
        }
        int category = forwarded.reply() != null ? forwarded.reply().inspection().category().ordinal() : GATEWAY_CATEGORY;
        requestCounter(meters, method(exchange), outcome, category).increment();
        meters.requestDuration().record(durationNanos, TimeUnit.NANOSECONDS);
        meters.attempts().increment(exchange.attempts());
        merchantCounter(exchange.merchant(), outcome).increment();
        if (forwarded.reply() != null) {
            codeCounter(forwarded.reply().inspection().code()).increment();
        }
    }

    private Counter requestCounter(RouteMeters meters, int method, Outcome outcome, int category) {
        int slot = (method * OUTCOMES + outcome.ordinal()) * (GATEWAY_CATEGORY + 1) + category;
        Counter counter = meters.requests().get(slot);
        if (counter == null) {
            String categoryLabel = category == GATEWAY_CATEGORY ? "gateway" : Category.values()[category].label();
            counter = requests.series(meters.route(), METHODS.get(method), outcome.label(), categoryLabel);
            meters.requests().set(slot, counter);
        }
        return counter;
    }

    private Counter merchantCounter(String merchant, Outcome outcome) {
        String known = merchants.contains(merchant) ? merchant : "other";
        AtomicReferenceArray<Counter> byOutcome = byMerchant.get(known);
        Counter counter = byOutcome.get(outcome.ordinal());
        if (counter == null) {
            counter = merchantRequests.series(known, outcome.label());
            byOutcome.set(outcome.ordinal(), counter);
        }
        return counter;
    }

    /** The counter of a reply's code: its own for a catalog code or 0, else "none" or "other" ({@link ErrorCatalog#boundedLabel}). */
    private Counter codeCounter(Long code) {
        Counter counter = code == null ? null : byCode.get(code);
        if (counter != null) {
            return counter;
        }
        String label = catalog.boundedLabel(code);
        counter = codes.series(label);
        if (code != null && label.equals(Long.toString(code))) {
            byCode.put(code, counter);
        }
        return counter;
    }

    @Override
    public void refused(String requestId, String method, String path, GatewayError error, String merchant,
            me.mixpay.gateway.trace.RequestTrace trace) {
        refusals.series(error.reason()).increment();
        if (merchant != null) {
            countRefusal(merchant, error.reason());
        }
    }

    /** Merchants come from configuration; anything else (never expected) is "other", keeping the set closed. */
    private void countRefusal(String merchant, String outcome) {
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

    /** The method's slot in {@link #METHODS}. */
    private static int method(ProxyExchange exchange) {
        int known = METHODS.indexOf(exchange.method().name());
        return known >= 0 ? known : METHODS.size() - 1;
    }
}
