package me.mixpay.gateway.proxy;

import io.vertx.core.MultiMap;

import me.mixpay.gateway.envelope.GatewayException;

/**
 * How a merchant request ended: exactly one of {@link #reply()} (MixPay answered, successfully or not)
 * and {@link #failure()} (the gateway answers itself), with the headers that tell the merchant what
 * the gateway did.
 */
public record Forwarded(UpstreamReply reply, GatewayException failure, MultiMap headers) {

    public static Forwarded replied(UpstreamReply reply, MultiMap headers) {
        return new Forwarded(reply, null, headers);
    }

    public static Forwarded failed(GatewayException failure, MultiMap headers) {
        return new Forwarded(null, failure, headers);
    }

    String describe() {
        return reply != null
                ? "HTTP " + reply.status() + " code " + reply.inspection().codeLabel()
                : "gateway error " + failure.error().reason();
    }
}
