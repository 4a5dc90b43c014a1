package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.auth.MerchantKeys;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * Two packaged replicas sharing a real {@code redis-server} with a budget large enough for them to take
 * calls from Redis in batches (500 calls per 3 s: room for a hundred batches of two per replica while the window is nearly empty),
 * sent twice the budget at once: MixPay, the simulator with that limit, still never sees more than the limit in any
 * window, and never answers 1429.
 */
@ResourceLock(ClusterBudgetIT.MIXPAY_WINDOWS)
class BatchedBudgetIT {

    static final int LIMIT = 500;
    static final long WINDOW_MILLIS = 3000;

    static ClusterOfTwo cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_BUDGET_LIMIT", Integer.toString(LIMIT));
        env.put("GATEWAY_BUDGET_WINDOW", WINDOW_MILLIS + "ms");
        env.put("GATEWAY_AUTH_MERCHANTS_SHOP", MerchantKeys.hashOf(ClusterBudgetIT.KEY_SHOP));
        // The shipped per-group limits (200/s) would stop the load before the budget does.
        env.put("GATEWAY_ROUTES_PAYMENT_RESULTS_BULKHEAD_MAX_CONCURRENT", "256");
        env.put("GATEWAY_ROUTES_PAYMENT_RESULTS_BULKHEAD_QUEUE", "256");
        // Every poll must be a MixPay call: the load is on the budget, not on the cache.
        env.put("GATEWAY_ROUTES_PAYMENT_RESULTS_POLL_ENABLED", "false");
        env.put("GATEWAY_CACHE_COALESCE", "false");
        cluster = ClusterOfTwo.start(SimulatorSettings.defaults().withRateLimit(LIMIT, Duration.ofMillis(WINDOW_MILLIS)), env);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoReplicasTakingCallsInBatchesNeverSendMixPayMoreThanTheLimitInAnyWindow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Future<HttpResponse<String>>> sending = new ArrayList<>();
        for (int i = 0; i < 2 * LIMIT; i++) {
            PackagedGateway replica = i % 2 == 0 ? cluster.a : cluster.b;
            sending.add(pool.submit(() -> ClusterBudgetIT.send(replica, ClusterBudgetIT.KEY_SHOP, "poll")));
        }
        // Meanwhile, the calls Redis counts: a single call is named replica:serial, the second and later
        // calls of a batch replica:serial:n.
        long batched = 0;
        while (sending.stream().anyMatch(reply -> !reply.isDone())) {
            batched += cluster.redis.cli("ZRANGE", "mixpay-gateway:{budget}:log", "0", "-1").lines()
                    .filter(member -> member.split(":").length == 3 && !member.contains("mixpay-said")).count();
            Thread.sleep(100);
        }
        List<HttpResponse<String>> replies = new ArrayList<>();
        for (Future<HttpResponse<String>> reply : sending) {
            replies.add(reply.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(batched).as("calls taken in batches").isPositive();

        assertThat(replies.stream().filter(r -> r.statusCode() != 200 && r.statusCode() != 429).map(HttpResponse::body).limit(3).toList())
                .as("replies other than 200 and 429").isEmpty();
        List<JsonObject> journal = ClusterBudgetIT.journal(cluster.mixpay);
        // More than the class may send in one window (375 of 500) reached MixPay: the budget was the
        // bottleneck, and the check below is not vacuous.
        assertThat(journal).hasSizeGreaterThan(LIMIT * 3 / 4);
        ClusterBudgetIT.assertAtMostPerWindow(journal, LIMIT, WINDOW_MILLIS);
        assertThat(journal.stream().filter(entry -> Long.valueOf(1429).equals(entry.getLong("code"))).count())
                .as("1429s from MixPay").isZero();
        assertThat(metric(cluster.a, "mixpay_gateway_cluster_redis_up")).isEqualTo(1.0);
    }

    private static double metric(PackagedGateway replica, String name) throws Exception {
        String metrics = ClusterBudgetIT.HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not among the metrics"));
    }
}
