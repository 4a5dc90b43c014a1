package me.mixpay.gateway.trace;

import jakarta.inject.Singleton;

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
        trace.attribute("mixpay.route_group", exchange.route());
        if (group != null) {
            trace.attribute("mixpay.budget_class", exchange.priorityOr(group.priority()).label());
            trace.attribute("gateway.breaker", group.breakerLabel());
        }
        trace.attribute("gateway.attempts", exchange.attempts());
        String cache = forwarded.headers().get(LookupCache.CACHE);
        if (cache != null) {
            trace.attribute("gateway.cache", cache);
            String age = forwarded.headers().get("Age");
            if (age != null && age.chars().allMatch(Character::isDigit) && !age.isEmpty()) {
                trace.attribute("gateway.cache_age_s", Long.parseLong(age));
            }
        }
        trace.attribute("gateway.idempotency", forwarded.headers().get(IdempotentForwarder.HEADER));
        if (forwarded.reply() != null) {
            trace.attribute("mixpay.code", forwarded.reply().inspection().codeLabel());
            trace.attribute("mixpay.category", forwarded.reply().inspection().category().label());
        } else {
            GatewayError error = forwarded.failure().error();
            trace.attribute("gateway.error", error.reason());
            trace.attribute("mixpay.code", Long.toString(forwarded.failure().code()));
            trace.failed();
        }
    }
}
