package me.mixpay.gateway.budget;

import java.util.concurrent.TimeUnit;

/**
 * How fast one class asks for calls on this replica, from the last complete 50 ms bucket (or the
 * current one, when it already runs faster): what a lease from Redis is sized by. Not thread-safe;
 * {@link LeasedCalls} guards it.
 */
final class CallRate {

    private static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A bucket younger than this says too little to be believed over the last complete one. */
    private static final long YOUNGEST_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private long bucketStart = System.nanoTime();
    private int inBucket;
    private double perMilli;

    void count(long nowNanos) {
        long elapsed = nowNanos - bucketStart;
        if (elapsed >= BUCKET_NANOS) {
            // After a quiet spell the bucket spans all of it, so the rate falls to what was really asked.
            perMilli = inBucket / millis(elapsed);
            bucketStart = nowNanos;
            inBucket = 0;
        }
        inBucket++;
    }

    /** Calls per millisecond: the faster of the last complete bucket and the current one. */
    double perMilli(long nowNanos) {
        long elapsed = nowNanos - bucketStart;
        double current = elapsed >= YOUNGEST_NANOS ? inBucket / millis(elapsed) : 0;
        return Math.max(perMilli, current);
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
