package me.mixpay.gateway.trace;

import jakarta.inject.Singleton;

import io.opentelemetry.api.common.AttributeKey;

import me.mixpay.gateway.cache.LookupCache;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.idempotency.IdempotentForwarder;
import me.mixpay.gateway.proxy.ExchangeListener;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * What the gateway decided for a request, on its server span, before the reply is written (while the
 * span is open): the span named by method and route group, and the route group, budget class, cache
 * and idempotency outcomes, breaker state, MixPay's code and category, and the gateway's own error.
 * Names and values are bounded sets: never a path or an id.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class TraceListener implements ExchangeListener {

    private static final AttributeKey<String> ROUTE_GROUP = AttributeKey.stringKey("mixpay.route_group");
    private static final AttributeKey<String> BUDGET_CLASS = AttributeKey.stringKey("mixpay.budget_class");
    private static final AttributeKey<String> BREAKER = AttributeKey.stringKey("gateway.breaker");
    private static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("gateway.attempts");
    private static final AttributeKey<String> CACHE = AttributeKey.stringKey("gateway.cache");
    private static final AttributeKey<Long> CACHE_AGE = AttributeKey.longKey("gateway.cache_age_s");
    private static final AttributeKey<String> IDEMPOTENCY = AttributeKey.stringKey("gateway.idempotency");
    private static final AttributeKey<String> CATEGORY = AttributeKey.stringKey("mixpay.category");

    private final RouteTable routes;

    TraceListener(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        RequestTrace trace = exchange.trace();
        if (!trace.on()) {
            return;
        }
        RouteGroup group = routes.named(exchange.route()).orElse(null);
        trace.name(exchange.route());
        trace.attribute(ROUTE_GROUP, exchange.route());
        if (group != null) {
            trace.attribute(BUDGET_CLASS, exchange.priorityOr(group.priority()).label());
            trace.attribute(BREAKER, group.breakerLabel());
        }
        trace.attribute(ATTEMPTS, exchange.attempts());
        String cache = forwarded.headers().get(LookupCache.CACHE);
        if (cache != null) {
            trace.attribute(CACHE, cache);
            String age = forwarded.headers().get("Age");
            if (age != null && age.chars().allMatch(Character::isDigit) && !age.isEmpty()) {
                trace.attribute(CACHE_AGE, Long.parseLong(age));
            }
        }
        trace.attribute(IDEMPOTENCY, forwarded.headers().get(IdempotentForwarder.HEADER));
        if (forwarded.reply() != null) {
            trace.attribute(RequestTrace.MIXPAY_CODE, forwarded.reply().inspection().codeLabel());
            trace.attribute(CATEGORY, forwarded.reply().inspection().category().label());
        } else {
            GatewayError error = forwarded.failure().error();
            trace.attribute(RequestTrace.GATEWAY_ERROR, error.reason());
            trace.attribute(RequestTrace.MIXPAY_CODE, Long.toString(forwarded.failure().code()));
            // A 429 for budget, a 409 for a key in use: the caller's to act on, as OpenTelemetry marks a
            // server's 4xx; only the gateway's own 5xx (MixPay unreachable, a breaker open) is an error.
            if (error.status() >= 500) {
                trace.failed();
            }
        }
        trace.decided();
    }
}
