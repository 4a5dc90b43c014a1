package me.mixpay.gateway.budget;

/**
 * No MixPay call could be had for a request within its time: the merchant gets MixPay's own 1429
 * envelope from the gateway, with {@code Retry-After} saying when the gateway expects room.
 */
public final class BudgetExhausted extends RuntimeException {

    private final long retryAfterMillis;

    public BudgetExhausted(String detail, long retryAfterMillis) {
        super(detail, null, false, false);
        this.retryAfterMillis = retryAfterMillis;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
