package me.mixpay.gateway.deploy;

import java.util.HashMap;
import java.util.Map;

import me.mixpay.gateway.simulator.MixPaySimulator;

/**
 * A cluster as the cluster ITs run it: a simulator standing for MixPay, a real {@code redis-server}, and
 * two packaged gateway replicas sharing it, with the environment given. Closing it stops all four.
 */
final class TwoReplicas implements AutoCloseable {

    final MixPaySimulator mixpay;
    final RedisProcess redis;
    final PackagedGateway a;
    final PackagedGateway b;

    private TwoReplicas(MixPaySimulator mixpay, RedisProcess redis, PackagedGateway a, PackagedGateway b) {
        this.mixpay = mixpay;
        this.redis = redis;
        this.a = a;
        this.b = b;
    }

    /** Starts the simulator (on a free port), Redis and both replicas; what started is stopped if a later step fails. */
    static TwoReplicas start(MixPaySimulator mixpay, Map<String, String> environment) throws Exception {
        mixpay.start(0);
        RedisProcess redis = null;
        PackagedGateway a = null;
        try {
            redis = RedisProcess.start();
            Map<String, String> env = new HashMap<>(environment);
            env.put("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl());
            env.put("GATEWAY_CLUSTER_REDIS_URL", redis.url());
            a = PackagedGateway.start(env);
            return new TwoReplicas(mixpay, redis, a, PackagedGateway.start(env));
        } catch (Exception failed) {
            new TwoReplicas(mixpay, redis, a, null).close();
            throw failed;
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] { a, b, redis }) {
            if (closing != null) {
                closing.close();
            }
        }
        mixpay.stop();
    }
}
