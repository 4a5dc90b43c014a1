package me.mixpay.gateway.resilience;

/** MixPay's maintenance notice for a route group (its code and words) and until when it keeps the group open. */
public record MaintenanceNotice(long code, String message, long untilMillis) {

    boolean inForce(long nowMillis) {
        return untilMillis > nowMillis;
    }

    /** Whole seconds until the group lets a trial call through, at least one. */
    long retryAfterSeconds(long nowMillis) {
        return Math.max(1, (untilMillis - nowMillis + 999) / 1000);
    }
}
