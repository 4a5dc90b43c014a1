package me.mixpay.gateway.cluster;

import io.vertx.redis.client.Response;

/**
 * A write the Redis primary took but no replica confirmed in time: a failover now could lose it. Redis'
 * answer stands (another replica reads the same primary), and the caller keeps a copy of what it wrote,
 * to write back if a failover loses it.
 */
public final class UnconfirmedWrite extends RuntimeException {

    private final transient Response reply;

    public UnconfirmedWrite(String script, Response reply, long confirmed, int wanted, long millis) {
        super("Redis took " + script + " but " + confirmed + " of " + wanted + " replicas confirmed it within " + millis + " ms",
                null, false, false);
        this.reply = reply;
    }

    /** What the script answered on the primary. */
    public Response reply() {
        return reply;
    }
}
