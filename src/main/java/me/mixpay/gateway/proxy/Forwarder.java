package me.mixpay.gateway.proxy;

import io.smallrye.mutiny.Uni;

/** Turns a screened merchant request into its outcome: MixPay's reply, or the gateway's own answer. */
public interface Forwarder {

    /**
     * Never fails for an expected outcome: those come back as {@link Forwarded#failure()}. A failed
     * {@code Uni} means a bug, and the merchant gets an {@code internal} envelope.
     */
    Uni<Forwarded> forward(ProxyExchange exchange);
}
