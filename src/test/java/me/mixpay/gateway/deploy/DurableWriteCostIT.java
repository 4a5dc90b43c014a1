package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * What the replica's confirmation costs a creation: two packaged replicas on the same Sentinel-managed
 * Redis, one waiting for a replica to confirm each exactly-once key and callback record ({@code WAIT}),
 * one not; creations sent to them in turn, one at a time, so both see the same machine. The figures go
 * to {@code target/durable-write-cost.txt}. Isolated: latency read beside another IT's load would measure that load.
 */
@Isolated
class DurableWriteCostIT {

    static final int CREATIONS = 100;

    @Test
    void aConfirmedCreationCostsLessThanTheConfirmationTimeoutMore() throws Exception {
        MixPaySimulator mixpay = new MixPaySimulator(SimulatorSettings.defaults().withRateLimit(10_000, Duration.ofSeconds(60)));
        mixpay.start(0);
        try (SentinelGroup redis = SentinelGroup.start()) {
            Map<String, String> env = new HashMap<>();
            env.put("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl());
            env.put("GATEWAY_AUTH_ENABLED", "false");
            env.put("GATEWAY_BUDGET_LIMIT", "10000");
            env.put("GATEWAY_CLUSTER_REDIS_SENTINELS", redis.sentinelUrls());
            env.put("GATEWAY_CLUSTER_REDIS_PASSWORD", SentinelGroup.NODE_PASSWORD);
            env.put("GATEWAY_CLUSTER_REDIS_SENTINEL_PASSWORD", SentinelGroup.SENTINEL_PASSWORD);
            Map<String, String> unconfirmed = new HashMap<>(env);
            unconfirmed.put("GATEWAY_CLUSTER_REDIS_CONFIRM_REPLICAS", "0");
            try (PackagedGateway confirming = PackagedGateway.start(env); PackagedGateway plain = PackagedGateway.start(unconfirmed)) {
                for (PackagedGateway replica : List.of(confirming, plain)) {
                    SentinelGroup.await("on Redis", () -> "redis".equals(GatewayCalls.budgetReadiness(replica).getString("store")));
                    for (int i = 0; i < 20; i++) {
                        create(replica); // warm-up: JIT, connections
                    }
                }
                List<Long> with = new ArrayList<>();
                List<Long> without = new ArrayList<>();
                for (int i = 0; i < CREATIONS; i++) {
                    with.add(create(confirming));
                    without.add(create(plain));
                }
                assertThat(GatewayCalls.metric(confirming, "mixpay_gateway_cluster_redis_unconfirmed_writes_total"))
                        .as("every key confirmed by the replica").isZero();
                String figures = String.format("creation latency over %d creations each, one at a time, same run: with replica confirmation"
                        + " p50 %.2f ms p99 %.2f ms; without p50 %.2f ms p99 %.2f ms%n", CREATIONS, p(with, 0.50), p(with, 0.99),
                        p(without, 0.50), p(without, 0.99));
                System.out.print(figures);
                Files.writeString(Path.of("target", "durable-write-cost.txt"), figures, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                // A confirmation is a replica's acknowledgement on loopback: far below its 150 ms timeout.
                assertThat(p(with, 0.50) - p(without, 0.50)).as("p50 cost of the confirmation, ms").isLessThan(50);
            }
        } finally {
            mixpay.stop();
        }
    }

    private static long create(PackagedGateway replica) throws Exception {
        String orderId = "dw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        long start = System.nanoTime();
        HttpResponse<String> created = GatewayCalls.post(replica, "/v1/one_time_payment", CreationForm.of(orderId, CreationForm.ETH));
        long nanos = System.nanoTime() - start;
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return nanos;
    }

    private static double p(List<Long> nanos, double quantile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1)) / 1e6;
    }
}
