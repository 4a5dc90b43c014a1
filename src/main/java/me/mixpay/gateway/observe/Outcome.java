package me.mixpay.gateway.observe;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.proxy.Forwarded;

/** How one merchant request ended, as a bounded label for metrics and logs. */
public enum Outcome {
    SUCCESS, MIXPAY_ERROR, GATEWAY_ERROR, CIRCUIT_OPEN, BUDGET_EXHAUSTED, BULKHEAD_FULL;

    public static Outcome of(Forwarded forwarded) {
        if (forwarded.reply() != null) {
            return forwarded.reply().inspection().category() == Category.SUCCESS ? SUCCESS : MIXPAY_ERROR;
        }
        GatewayError error = forwarded.failure().error();
        return switch (error) {
            case CIRCUIT_OPEN -> CIRCUIT_OPEN;
            case BUDGET_EXHAUSTED -> BUDGET_EXHAUSTED;
            case BULKHEAD_FULL -> BULKHEAD_FULL;
            default -> GATEWAY_ERROR;
        };
    }

    /** Rendered once: every request's outcome goes into a metric and a log line. */
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }
}
