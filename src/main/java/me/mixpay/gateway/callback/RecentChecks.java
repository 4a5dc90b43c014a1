package me.mixpay.gateway.callback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When this replica last had MixPay's answer about a payment, for the payments checked lately. A post that
 * comes within moments of a check is not checked again: a valid token, however it was learnt, buys at most
 * one {@code payments_result} call per payment every {@link CallbackConfig#recheckAfter()} per replica.
 * Bounded: the oldest entries leave first, and an entry older than that interval means nothing anyway.
 */
final class RecentChecks {

    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, Long> lastAt = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    synchronized void checked(String ref) {
        lastAt.remove(ref);
        lastAt.put(ref, System.currentTimeMillis());
    }

    /** When the payment was last checked here; 0 when not lately. */
    synchronized long lastAt(String ref) {
        Long at = lastAt.get(ref);
        return at == null ? 0 : at;
    }
}
