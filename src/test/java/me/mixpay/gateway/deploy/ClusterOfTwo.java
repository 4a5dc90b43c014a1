package me.mixpay.gateway.deploy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * The smallest cluster: the simulator, a real {@code redis-server} and two packaged gateway replicas
 * pointed at both, each its own process.
 */
final class ClusterOfTwo implements AutoCloseable {

    final MixPaySimulator mixpay;
    final RedisProcess redis;
    final PackagedGateway a;
    final PackagedGateway b;

    private ClusterOfTwo(MixPaySimulator mixpay, RedisProcess redis, PackagedGateway a, PackagedGateway b) {
        this.mixpay = mixpay;
        this.redis = redis;
        this.a = a;
        this.b = b;
    }

    /** Starts it; {@code environment} is both replicas' own, to which the upstream and Redis URLs are added. */
    static ClusterOfTwo start(SimulatorSettings simulator, Map<String, String> environment) throws Exception {
        MixPaySimulator mixpay = new MixPaySimulator(simulator);
        mixpay.start(0);
        RedisProcess redis = null;
        try {
            redis = RedisProcess.start();
            Map<String, String> env = new HashMap<>(environment);
            env.put("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl());
            env.put("GATEWAY_CLUSTER_REDIS_URL", redis.url());
            List<PackagedGateway> replicas = PackagedGateway.startTogether(List.of(env, env));
            return new ClusterOfTwo(mixpay, redis, replicas.get(0), replicas.get(1));
        } catch (Exception | Error failed) {
            if (redis != null) {
                redis.close();
            }
            mixpay.stop();
            throw failed;
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] { a, b, redis }) {
            closing.close();
        }
        mixpay.stop();
    }
}
