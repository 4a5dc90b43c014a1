package me.mixpay.gateway.resilience;

/**
 * Caps retries at a fraction of a group's live traffic over a sliding window, like Envoy's retry
 * budget, so that a MixPay outage does not turn every merchant request into several. SmallRye's retry
 * counts attempts per call only; this is the piece it lacks, consulted from the retry predicate.
 */
final class RetryBudget {

    private static final int WINDOW_SECONDS = 10;

    private final double ratio;
    private final int minPerSecond;
    private final long[] second = new long[WINDOW_SECONDS];
    private final int[] requests = new int[WINDOW_SECONDS];
    private final int[] retries = new int[WINDOW_SECONDS];

    RetryBudget(double ratio, int minPerSecond) {
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
    }

    synchronized void recordRequest() {
        requests[slot(now())]++;
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    synchronized boolean tryAcquire() {
        long now = now();
        if (unspent(now) < 1) {
            return false;
        }
        retries[slot(now)]++;
        return true;
    }

    /** Retries still allowed now, for metrics and the admin API. */
    synchronized int remaining() {
        return (int) Math.max(0, unspent(now()));
    }

    /** The allowance over the live window (ratio of requests, with a floor) less the retries already made. */
    private double unspent(long now) {
        int totalRequests = 0;
        int totalRetries = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (now - second[i] < WINDOW_SECONDS) {
                totalRequests += requests[i];
                totalRetries += retries[i];
            }
        }
        return Math.max(minPerSecond * (double) WINDOW_SECONDS, ratio * totalRequests) - totalRetries;
    }

    private int slot(long now) {
        int slot = (int) (now % WINDOW_SECONDS);
        if (second[slot] != now) {
            second[slot] = now;
            requests[slot] = 0;
            retries[slot] = 0;
        }
        return slot;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000_000L;
    }
}
