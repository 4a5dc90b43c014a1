package me.mixpay.gateway.cache;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The payments being polled while not yet final, on this replica: each counts until its status is
 * final or nobody has asked for it for a whole {@code max-interval}. Their number sets the poll
 * interval. Bounded, so a flood of made-up payment ids can only stretch the interval to its maximum.
 */
final class PendingPolls {

    private final Cache<CacheKey, Boolean> payments;

    PendingPolls(long forgetAfterMillis) {
        this.payments = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(Duration.ofMillis(Math.max(1, forgetAfterMillis))).build();
    }

    void polled(CacheKey key) {
        payments.put(key, Boolean.TRUE);
    }

    void settled(CacheKey key) {
        payments.invalidate(key);
    }

    long count() {
        return payments.estimatedSize();
    }
}
