package me.mixpay.gateway.status;

import java.util.Map;

/**
 * MixPay's callbacks and the relay, for the status page: counts since start-up on this replica, the
 * relay's backlog (the cluster's with Redis), and the latest times.
 *
 * @param enabled        whether {@code gateway.callbacks.public-url} is set
 * @param toCacheP99Ms   p99 of callback-to-poll-cache, NaN before any
 * @param relayLagP99Ms  p99 of accepted-to-merchant's-2xx, NaN before any
 */
public record CallbackStatus(boolean enabled, double received, double verified, Map<String, Double> refused, double deferred,
        double toCacheP99Ms, long relayWaiting, long relayDead, double relayDelivered, double relayLagP99Ms) {
}
