package me.mixpay.gateway.proxy;

import me.mixpay.gateway.envelope.GatewayError;

/** Told about every request once its reply is decided: metrics, the access log, the status page. */
public interface ExchangeListener {

    /** A request that went through a route group (forwarded, or answered by its policies). */
    void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos);

    /**
     * A request refused before any route group saw it: screening, limits, authentication, draining.
     *
     * @param merchant the merchant, when it was identified before the refusal; otherwise null
     */
    default void refused(String requestId, String method, String path, GatewayError error, String merchant) {
    }
}
