package me.mixpay.gateway.catalog;

/**
 * What a MixPay reply means for the gateway: whether to retry it, count it against MixPay's health,
 * or hand it straight back to the merchant.
 */
public enum Category {
    /** Code 0 or {@code success:true}. */
    SUCCESS,
    /** MixPay failed this time and may not next time: safe to retry where the route allows it. */
    TRANSIENT,
    /** MixPay asks us to slow down (1429): retry only after the time it asks for. */
    RATE_LIMITED,
    /** MixPay switched a function off on purpose: retrying is pointless, the group's breaker opens. */
    MAINTENANCE,
    /** The merchant's credentials or permissions are wrong: never retried, never MixPay's failure. */
    AUTH,
    /** The request itself is wrong: never retried, never counted as MixPay's failure. */
    CLIENT_ERROR,
    /** A valid request refused by business rules (limits, balance, refund reasons). */
    BUSINESS,
    /** A code that is not in the catalog: passed through, never retried on a guess. */
    UNKNOWN,
    /** No MixPay envelope could be read (not JSON, empty, truncated, too large). */
    UNPARSEABLE;

    /** Rendered once: every reply puts its category in a header, a metric and a log line. */
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** Lower-case label used in headers, metrics and logs. */
    public String label() {
        return label;
    }
}
