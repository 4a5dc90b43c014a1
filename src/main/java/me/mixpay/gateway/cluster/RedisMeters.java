package me.mixpay.gateway.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * {@code mixpay_gateway_cluster_redis_*}: the writes no replica confirmed (a Redis that would lose them
 * in a failover), and how often each script ran. Script names are the gateway's own, a bounded set.
 */
@Startup
@Singleton
public class RedisMeters {

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
}
