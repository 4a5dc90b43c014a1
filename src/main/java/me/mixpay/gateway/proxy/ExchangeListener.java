package me.mixpay.gateway.proxy;

import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.trace.RequestTrace;

/** Told about every request once its reply is decided: metrics, the access log, the status page. */
public interface ExchangeListener {

    /** A request that went through a route group (forwarded, or answered by its policies). */
    void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos);

    /**
     * A request refused before any route group saw it: screening, limits, authentication, draining.
     *
     * @param merchant the merchant, when it was identified before the refusal; otherwise null
     * @param trace the request's trace ({@link RequestTrace#OFF} when not sampled)
     */
    default void refused(String requestId, String method, String path, GatewayError error, String merchant, RequestTrace trace) {
    }

    /**
     * One of MixPay's callback posts, answered: {@code error} null when MixPay was told {@code SUCCESS}.
     * Its path is never given: it holds the payment's ref and token, the credential MixPay posts with.
     */
    default void callback(String requestId, String method, int status, GatewayError error, long durationNanos, RequestTrace trace) {
    }
}
