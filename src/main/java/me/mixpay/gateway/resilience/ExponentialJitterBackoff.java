package me.mixpay.gateway.resilience;

import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

import me.mixpay.gateway.config.RouteGroupConfig;

/**
 * Exponential back-off with random jitter, never shorter than a Retry-After MixPay sent. SmallRye's
 * own exponential back-off cannot see the failure, hence the custom strategy: one per guarded call.
 */
final class ExponentialJitterBackoff implements CustomBackoffStrategy {

    private final long initialMillis;
    private final long maxMillis;
    private final long jitterMillis;
    private int retries;

    ExponentialJitterBackoff(RouteGroupConfig.Retry policy) {
        this.initialMillis = policy.initialDelay().toMillis();
        this.maxMillis = policy.maxDelay().toMillis();
        this.jitterMillis = policy.jitter().toMillis();
    }

    @Override
    public long nextDelayInMillis(Throwable cause) {
        long exponential = Math.min(maxMillis, initialMillis << Math.min(retries++, 20));
        long jitter = jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0;
        long asked = cause instanceof FailedReply failed ? failed.retryAfterMillis() : 0;
        return Math.max(exponential + jitter, asked);
    }
}
