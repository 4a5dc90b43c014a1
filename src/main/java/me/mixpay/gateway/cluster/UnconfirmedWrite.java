package me.mixpay.gateway.cluster;

/**
 * A write the Redis primary took but no replica confirmed in time: a failover now could lose it, so the
 * caller treats it as a write that failed (its Redis-down behaviour) although Redis itself is up.
 */
public final class UnconfirmedWrite extends RuntimeException {

    public UnconfirmedWrite(String script, long confirmed, int wanted, long millis) {
        super("Redis took " + script + " but " + confirmed + " of " + wanted + " replicas confirmed it within " + millis + " ms",
                null, false, false);
    }
}
