package me.mixpay.gateway.proxy;

/** Told about every forwarded request once its reply is decided: metrics, the access log. */
public interface ExchangeListener {

    void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos);
}
