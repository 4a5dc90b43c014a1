package me.mixpay.gateway.proxy;

import me.mixpay.gateway.envelope.GatewayError;

/** Why the gateway refuses to forward a request, before anything is sent upstream. */
public record Refusal(GatewayError error, String detail) {
}
