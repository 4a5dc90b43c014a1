package me.mixpay.gateway.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The time MixPay asked a group to stay away (a 1429, or a Retry-After header). SmallRye's rate
 * limiter has a fixed rate; this is the small piece beside it that honours MixPay's own request,
 * so no call of the group reaches MixPay sooner than it asked.
 */
final class MixPayBackoff {

    private final AtomicLong until = new AtomicLong();

    void pauseFor(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        until.accumulateAndGet(deadline, Math::max);
    }

    /** Milliseconds left of the pause, 0 when the group may call MixPay. */
    long remainingMillis() {
        return Math.max(0, until.get() - System.currentTimeMillis());
    }
}
