package me.mixpay.gateway.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.runtime.Startup;

/**
 * {@code mixpay_gateway_cluster_redis_*}: the writes no replica confirmed (a Redis that would lose them
 * in a failover), and how often each script ran. Script names are the gateway's own, a bounded set.
 * Vert.x' own client metrics time the commands, as {@code mixpay_gateway_redis_*} (docs/observability.md).
 */
@Startup
@Singleton
public class RedisMeters {

    /** The prefix of Vert.x' Redis client metrics; their {@code clientName} is the role, node or sentinel. */
    static final String CLIENT = "mixpay_gateway_redis";

    private final Set<String> counted = ConcurrentHashMap.newKeySet();

    RedisMeters(ClusterLink cluster, MeterRegistry registry) {
        // Always there (0 without Redis), so the alert on it never names a missing series.
        FunctionCounter.builder("mixpay.gateway.cluster.redis.unconfirmed.writes", cluster,
                c -> c.redis().map(RedisLink::unconfirmedWrites).orElse(0L))
                .description("Durable writes (exactly-once keys, callback records, accepted callbacks) that no Redis replica confirmed in time; each was also kept on this replica")
                .register(registry);
        cluster.redis().ifPresent(redis -> {
            // Scripts are counted from their first run on; the set of names is the gateway's code.
            cluster.onTick(() -> redis.scriptsRun().keySet().stream().filter(counted::add).forEach(name ->
                    FunctionCounter.builder("mixpay.gateway.cluster.redis.scripts", redis, link -> link.scriptsRun().getOrDefault(name, 0L))
                            .tag("script", name).description("Redis scripts run by this replica").register(registry)));
        });
    }

    /**
     * Vert.x makes its client gauges once per connection (and per sentinel, and again after a failover), and
     * Micrometer keeps the first, with a warning: one connection's queue read as the client's, or a closed
     * client's. Counters and timers are shared and add up; the gauges go (the connections' timer counts them).
     */
    @Produces
    @Singleton
    static MeterFilter perConnectionGaugesLeftOut() {
        return MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && id.getName().startsWith(CLIENT + "."));
    }
}
