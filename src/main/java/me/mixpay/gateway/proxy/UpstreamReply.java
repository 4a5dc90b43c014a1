package me.mixpay.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import me.mixpay.gateway.envelope.Inspection;

/**
 * A complete reply from MixPay, read and inspected.
 *
 * @param status     HTTP status as MixPay sent it
 * @param headers    MixPay's headers, hop-by-hop ones already removed
 * @param body       the body exactly as received (still compressed if it was)
 * @param inspection what the envelope inside says
 */
public record UpstreamReply(int status, MultiMap headers, Buffer body, Inspection inspection) {
}
