package me.mixpay.gateway.cache;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import me.mixpay.gateway.GatewayTestBase;
import me.mixpay.gateway.support.Management;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * Coalescing of identical GETs in flight, and stale answers when MixPay cannot give a fresh one
 * (maintenance, a reset connection), against WireMock, which can be slow or fail on demand.
 */
@QuarkusTest
@TestProfile(CoalescingAndStaleTest.CacheGroups.class)
class CoalescingAndStaleTest extends GatewayTestBase {

    public static class CacheGroups implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("gateway.routes.t-cache.match", "GET /v1/test/cache/**");
            config.put("gateway.routes.t-cache.idempotent", "true");
            config.put("gateway.routes.t-cache.cache.ttl", "1s");
            config.put("gateway.routes.t-cache.cache.max-stale", "1h");
            config.put("gateway.routes.t-cache.cache.revalidate", "0");
            config.put("gateway.routes.t-cache.retry.max-attempts", "1");
            config.put("gateway.routes.t-cache.circuit-breaker.maintenance-delay", "3s");
            // No TTL: the group only coalesces.
            config.put("gateway.routes.t-join.match", "GET /v1/test/join/**");
            config.put("gateway.routes.t-join.idempotent", "true");
            // One attempt each, and time enough on a loaded machine: a retry would be a second call.
            config.put("gateway.routes.t-join.retry.max-attempts", "1");
            config.put("gateway.upstream.read-timeout", "5s");
            return config;
        }
    }

    @Test
    void fiftyIdenticalConcurrentGetsShareOneUpstreamCallAndItsReply() throws Exception {
        upstream.stubFor(get(urlPathEqualTo("/v1/test/join/rates"))
                .willReturn(MixPayReplies.json(MixPayReplies.success("{\"rate\":\"1.5\"}")).withFixedDelay(2000)));
        ExecutorService clients = Executors.newFixedThreadPool(50);
        CountDownLatch ready = new CountDownLatch(50);
        List<Future<Response>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                replies.add(clients.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return given().get("/v1/test/join/rates?pair=btc-usd");
                }));
            }
            Map<String, Integer> kinds = new HashMap<>();
            byte[] first = null;
            for (Future<Response> reply : replies) {
                Response response = reply.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                kinds.merge(response.header("X-Gateway-Cache"), 1, Integer::sum);
                byte[] body = response.asByteArray();
                if (first == null) {
                    first = body;
                }
                assertThat(body).isEqualTo(first);
            }
            assertThat(kinds).as("answers; upstream saw requests at %s", upstream.getAllServeEvents().stream()
                    .map(event -> event.getRequest().getLoggedDate().getTime() % 100_000).toList())
                    .containsEntry("miss", 1).containsEntry("coalesced", 49);
        } finally {
            clients.shutdownNow();
        }
        upstream.verify(1, getRequestedFor(urlPathEqualTo("/v1/test/join/rates")));
        // Nothing was kept: the group has no TTL, so the next one asks again.
        given().get("/v1/test/join/rates?pair=btc-usd").then().header("X-Gateway-Cache", "miss");
        upstream.verify(2, getRequestedFor(urlPathEqualTo("/v1/test/join/rates")));
    }

    @Test
    void maintenanceAndResetsGetTheLastGoodAnswerMarkedStale() throws Exception {
        upstream.stubFor(get(urlPathEqualTo("/v1/test/cache/assets"))
                .willReturn(MixPayReplies.json(MixPayReplies.success("[{\"symbol\":\"BTC\"}]"))));
        byte[] good = given().get("/v1/test/cache/assets").then().statusCode(200).header("X-Gateway-Cache", "miss")
                .extract().asByteArray();
        Thread.sleep(1100);

        upstream.stubFor(get(urlPathEqualTo("/v1/test/cache/assets"))
                .willReturn(MixPayReplies.json(MixPayReplies.error(10008, "Service maintenance"))));
        double misses = Management.metric("mixpay_gateway_cache_replies_total{result=\"miss\",route=\"t-cache\"}");
        double stale = Management.metric("mixpay_gateway_cache_replies_total{result=\"stale\",route=\"t-cache\"}");
        Response duringMaintenance = given().get("/v1/test/cache/assets");
        duringMaintenance.then().statusCode(200).header("X-Gateway-Cache", "stale").header("X-Gateway-Stale-Reason", "maintenance");
        // Asked MixPay, then answered stale: counted once, as what the merchant got.
        assertThat(Management.metric("mixpay_gateway_cache_replies_total{result=\"stale\",route=\"t-cache\"}") - stale).isEqualTo(1);
        assertThat(Management.metric("mixpay_gateway_cache_replies_total{result=\"miss\",route=\"t-cache\"}")).isEqualTo(misses);
        assertThat(duringMaintenance.asByteArray()).isEqualTo(good);
        // The breaker is open now: stale again, and MixPay is not asked.
        given().get("/v1/test/cache/assets").then().statusCode(200).header("X-Gateway-Cache", "stale")
                .header("X-Gateway-Stale-Reason", "circuit_open");
        upstream.verify(2, getRequestedFor(urlPathEqualTo("/v1/test/cache/assets")));
        // A look-up never answered before gets MixPay's maintenance notice, as without a cache.
        given().get("/v1/test/cache/other").then().statusCode(503).header("X-Gateway-Error", "circuit_open")
                .body("code", equalTo(10008));

        Thread.sleep(3200);
        upstream.stubFor(get(urlPathEqualTo("/v1/test/cache/assets")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        given().get("/v1/test/cache/assets").then().statusCode(200).header("X-Gateway-Cache", "stale")
                .header("X-Gateway-Stale-Reason", "upstream_reset");

        upstream.stubFor(get(urlPathEqualTo("/v1/test/cache/assets"))
                .willReturn(MixPayReplies.json(MixPayReplies.success("[{\"symbol\":\"ETH\"}]"))));
        given().get("/v1/test/cache/assets").then().statusCode(200).header("X-Gateway-Cache", "miss")
                .body("data[0].symbol", equalTo("ETH"));
        given().get("/v1/test/cache/assets").then().statusCode(200).header("X-Gateway-Cache", "hit")
                .body("data[0].symbol", equalTo("ETH"));
    }
}
