package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * Two packaged replicas with the shipped cache, sharing a real {@code redis-server}, in front of the
 * simulator: an answer one replica paid for is a hit on the other; with Redis gone, each caches on its
 * own and no request fails.
 */
class ClusterCacheIT {

    static ClusterOfTwo cluster;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterOfTwo.start(SimulatorSettings.defaults().withRateLimit(1000, Duration.ofSeconds(60)),
                Map.of("GATEWAY_BUDGET_LIMIT", "1000", "GATEWAY_AUTH_ENABLED", "false", "GATEWAY_STATUS_SAMPLE_INTERVAL", "500ms"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aLookUpCachedByOneReplicaIsAHitOnTheOther() throws Exception {
        String target = "/v1/setting/payment_assets?quoteAssetId=usd&quoteAmount=" + unique();
        HttpResponse<String> first = get(cluster.a, target);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Gateway-Cache")).hasValue("miss");
        Thread.sleep(1100);
        HttpResponse<String> other = get(cluster.b, target);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("X-Gateway-Cache")).hasValue("hit");
        assertThat(other.headers().firstValue("Age")).hasValue("1");
        assertThat(other.body()).isEqualTo(first.body());
        assertThat(calls("GET /v1/setting/payment_assets")).isEqualTo(1);
    }

    @Test
    void withRedisDownEachReplicaCachesOnItsOwnAndNothingFails() throws Exception {
        cluster.redis.kill();
        try {
            String target = "/v1/setting/settlement_assets?quoteAssetId=usd&quoteAmount=" + unique();
            long before = calls("GET /v1/setting/settlement_assets");
            for (PackagedGateway replica : new PackagedGateway[] { cluster.a, cluster.b }) {
                HttpResponse<String> miss = get(replica, target);
                assertThat(miss.statusCode()).as(miss.body()).isEqualTo(200);
                assertThat(miss.headers().firstValue("X-Gateway-Cache")).hasValue("miss");
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> hit = get(replica, target);
                    assertThat(hit.statusCode()).isEqualTo(200);
                    assertThat(hit.headers().firstValue("X-Gateway-Cache")).hasValue("hit");
                }
            }
            // One call per replica: neither could see the other's entry.
            assertThat(calls("GET /v1/setting/settlement_assets") - before).isEqualTo(2);
        } finally {
            cluster.redis.startAgain();
        }
    }

    @Test
    void oneReplicasStatusPageChartsTheOthersCallsByClass() throws Exception {
        // b charts a's calls from its second sample after it first read a's counts: wait until b sees both
        // replicas, then for two more of its cluster samples.
        await(() -> statusPage(cluster.b).contains("2 replicas seen"));
        assertThat(statusPage(cluster.b)).contains("2 replicas seen");
        long samples = clusterSamples(statusPage(cluster.b));
        await(() -> clusterSamples(statusPage(cluster.b)) >= samples + 2);
        double charted = chartedClusterCalls(cluster.b);
        double bOwn = GatewayCalls.metric(cluster.b, "mixpay_gateway_budget_calls_total{class=\"normal\"}");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> miss = get(cluster.a, "/v1/setting/payment_assets?quoteAssetId=usd&quoteAmount=" + unique());
            assertThat(miss.headers().firstValue("X-Gateway-Cache")).hasValue("miss");
        }
        // Five calls, all a's (low look-ups that nothing answered go as normal: docs/caching.md): b's own
        // counter has not moved, its chart has.
        assertThat(GatewayCalls.metric(cluster.b, "mixpay_gateway_budget_calls_total{class=\"normal\"}")).isEqualTo(bOwn);
        await(() -> chartedClusterCalls(cluster.b) - charted >= 5);
        assertThat(chartedClusterCalls(cluster.b) - charted).isEqualTo(5);
        assertThat(statusPage(cluster.b)).contains("the window's calls by class across the cluster")
                .contains("data-class=\"normal\" data-scope=\"cluster\"");
        // And b's count of the window is the cluster's, read on its heartbeat, though b sent none of the calls.
        await(() -> windowUsed(statusPage(cluster.b)) >= 5);
        assertThat(windowUsed(statusPage(cluster.b))).as("the window's count on b's page").isGreaterThanOrEqualTo(5);
        assertThat(GatewayCalls.metric(cluster.b, "mixpay_gateway_budget_used")).as("b's used gauge").isGreaterThanOrEqualTo(5);
    }

    private static long windowUsed(String page) {
        Matcher used = Pattern.compile("<section id=\"budget\" data-used=\"(\\d+)\"").matcher(page);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Waits up to 10 s for {@code check}; the assertion after it says what was not reached. */
    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.holds() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static String statusPage(PackagedGateway replica) throws Exception {
        return GatewayCalls.HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/status"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long clusterSamples(String page) {
        Matcher count = Pattern.compile("data-cluster-samples=\"(\\d+)\"").matcher(page);
        return count.find() ? Long.parseLong(count.group(1)) : 0;
    }

    /** The normal-class calls the budget chart of {@code replica}'s status page shows in samples that counted the cluster's. */
    private static double chartedClusterCalls(PackagedGateway replica) throws Exception {
        String page = statusPage(replica);
        Matcher bars = Pattern.compile("data-class=\"normal\" data-scope=\"cluster\" data-calls=\"[0-9.]+\" data-sample-calls=\"([0-9.]+)\"").matcher(page);
        double sum = 0;
        while (bars.find()) {
            sum += Double.parseDouble(bars.group(1));
        }
        return sum;
    }

    private static HttpResponse<String> get(PackagedGateway replica, String target) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(replica.url(target))).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long calls(String endpoint) throws Exception {
        JsonObject journal = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(cluster.mixpay.baseUrl() + "/_simulator/requests")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Long count = journal.getJsonObject("counts").getJsonObject("byEndpoint").getLong(endpoint);
        return count == null ? 0 : count;
    }

    private static String unique() {
        return Integer.toString(10 + (int) (Math.random() * 1_000_000));
    }
}
