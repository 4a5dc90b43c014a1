package me.mixpay.gateway.cache;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.Forwarder;
import me.mixpay.gateway.proxy.ProxyExchange;

/**
 * Puts the {@link LookupCache} in front of whatever forwards requests to MixPay, so an answer the
 * gateway already has never reaches the budget, the breakers or MixPay.
 */
@Decorator
@Priority(20)
class CachingForwarder implements Forwarder {

    @Inject
    @Delegate
    Forwarder next;

    @Inject
    LookupCache cache;

    @Override
    public Uni<Forwarded> forward(ProxyExchange exchange) {
        return cache.forward(exchange, next);
    }
}
