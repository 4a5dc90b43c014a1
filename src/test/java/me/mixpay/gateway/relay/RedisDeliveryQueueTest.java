package me.mixpay.gateway.relay;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;

import me.mixpay.gateway.cluster.RedisLink;
import me.mixpay.gateway.cluster.RedisSettings;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.deploy.RedisProcess;

/** The delivery queue in a real {@code redis-server}: the scripts the replicas share, against the same contract. */
class RedisDeliveryQueueTest extends DeliveryQueueContract {

    static RedisProcess redis;
    static Vertx vertx;
    static RedisLink link;
    static DeliveryQueue queue;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        vertx = Vertx.vertx();
        // The gateway's own mapping and defaults, read outside Quarkus. The contract is the queue's order and
        // once-only delivery, not Redis' speed: the shipped 250 ms per command failed the first command twice
        // while three test JVMs shared two cores.
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources().addDiscoveredConverters()
                .withMapping(GatewayConfig.Cluster.class, "gateway.cluster").withDefaultValue("gateway.cluster.redis-url", redis.url())
                .withDefaultValue("gateway.cluster.redis-timeout", "5s").build();
        link = new RedisLink(vertx, RedisSettings.of(config.getConfigMapping(GatewayConfig.Cluster.class, "gateway.cluster")).orElseThrow());
        queue = new RedisDeliveryQueue(link);
    }

    @AfterAll
    static void stop() throws Exception {
        if (link != null) {
            link.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    DeliveryQueue queue() {
        return queue;
    }
}
