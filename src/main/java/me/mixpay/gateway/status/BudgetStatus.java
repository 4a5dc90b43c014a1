package me.mixpay.gateway.status;

import java.util.Map;

/**
 * The MixPay budget as the status page shows it, first: calls used of the limit in the current window,
 * where the count lives, calls waiting by class, and any pause a 1429 started.
 */
public record BudgetStatus(int used, int limit, long windowMillis, String store, int replicas,
        Map<String, Integer> waitingByClass, long pausedMillis, int mixpayRemaining) {
}
