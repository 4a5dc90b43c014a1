package me.mixpay.gateway.budget;

import io.vertx.core.Future;

/**
 * The record of calls sent to MixPay in the sliding window, whose every step is atomic: in process
 * ({@link LocalBudgetLog}) or in Redis for the whole cluster ({@link RedisBudgetLog}).
 * <p>
 * A sliding log rather than a token bucket or fixed windows: it is the one structure for which
 * "never more than the limit in any window of that length" holds exactly (a fixed window lets twice
 * the limit through across a boundary, a bucket lets its burst plus its refill), and at MixPay's 60 a
 * minute the log is tiny.
 */
interface BudgetLog {

    /**
     * Takes a call for {@code priority} if its class still has room; {@code member} names the entry
     * (unique per call) so the same call can be merged into another log without being counted twice.
     */
    Future<Take> take(Priority priority, String member, int configuredLimit);

    /**
     * What MixPay's headers said: a lower {@code x-ratelimit-limit} lowers the limit; an
     * {@code x-ratelimit-remaining} below the log's own count means others behind the same address
     * spent calls, which are then counted as spent now. Negative values are unknown.
     */
    Future<Void> observe(int mixpayLimit, int mixpayRemaining, int configuredLimit);

    /** No call of any class for this long (MixPay answered 1429). */
    Future<Void> pause(long millis);
}
