package me.mixpay.gateway.cache;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * The read-through cache and the paced polls, through the gateway in front of the simulator: what
 * reaches MixPay is read from the simulator's own request journal.
 */
@QuarkusTest
@TestProfile(LookupCacheTest.ShortTtls.class)
class LookupCacheTest {

    static final String PAYEE = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";
    static final String BTC = "c6d0c728-2624-429b-8e0d-d9d19b6592fa";

    /** The shipped groups with TTLs a test can outlive; the poll interval is the shipped 2 s. */
    public static class ShortTtls extends SimulatorUpstream {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("gateway.routes.settings.cache.ttl", "3s");
            config.put("gateway.routes.settings.cache.revalidate", "0");
            config.put("gateway.routes.users.cache.ttl", "3s");
            config.put("gateway.routes.users.cache.revalidate", "0.3");
            return config;
        }
    }

    @BeforeEach
    void freshSimulator() {
        given().post(SimulatorUpstream.controls() + "/_simulator/reset").then().statusCode(200);
    }

    static long upstreamCalls(String endpoint) {
        Number count = given().get(SimulatorUpstream.controls() + "/_simulator/requests")
                .then().statusCode(200).extract().path("counts.byEndpoint.'" + endpoint + "'");
        return count == null ? 0 : count.longValue();
    }

    @Test
    void aRepeatedLookUpCallsMixPayOncePerTtlAndSaysHitWithItsAge() throws Exception {
        String query = "/v1/setting/payment_assets?quoteAssetId=usd&quoteAmount=" + uniqueAmount();
        Response first = given().get(query);
        // The entry was stored before the reply arrived here: from now, 3 s is past its TTL.
        long stored = System.currentTimeMillis();
        first.then().statusCode(200).header("X-Gateway-Cache", "miss").header("X-Gateway-Route", "settings");
        Thread.sleep(1100);
        // The same question in another spelling is the same entry.
        String respelled = "/v1/setting/payment_assets?quoteAmount=" + query.substring(query.lastIndexOf('=') + 1) + "&quoteAssetId=usd";
        for (String target : List.of(query, respelled, query)) {
            Response hit = given().get(target);
            hit.then().statusCode(200).header("X-Gateway-Cache", "hit").header("X-Gateway-Attempts", "0");
            assertThat(Integer.parseInt(hit.header("Age"))).isBetween(1, 2);
            assertThat(hit.asByteArray()).isEqualTo(first.asByteArray());
        }
        assertThat(upstreamCalls("GET /v1/setting/payment_assets")).isEqualTo(1);

        Thread.sleep(Math.max(0, stored + 3100 - System.currentTimeMillis()));
        given().get(query).then().statusCode(200).header("X-Gateway-Cache", "miss");
        given().get(query).then().statusCode(200).header("X-Gateway-Cache", "hit").header("Age", "0");
        assertThat(upstreamCalls("GET /v1/setting/payment_assets")).isEqualTo(2);
    }

    @Test
    void hitsSpendNoBudget() {
        String query = "/v1/setting/settlement_assets?quoteAssetId=usd&quoteAmount=" + uniqueAmount();
        given().get(query).then().header("X-Gateway-Cache", "miss");
        double before = budgetCalls();
        for (int i = 0; i < 20; i++) {
            given().get(query).then().statusCode(200).header("X-Gateway-Cache", "hit");
        }
        assertThat(budgetCalls()).isEqualTo(before);
        assertThat(upstreamCalls("GET /v1/setting/settlement_assets")).isEqualTo(1);
    }

    @Test
    void differentQueriesAreDifferentEntriesAndErrorsAreNeverKept() {
        String amount = uniqueAmount();
        given().get("/v1/setting/payment_assets?quoteAssetId=usd&quoteAmount=" + amount).then().header("X-Gateway-Cache", "miss");
        given().get("/v1/setting/payment_assets?quoteAssetId=usd&quoteAmount=" + amount + "1").then().header("X-Gateway-Cache", "miss");
        given().get("/v1/setting/payment_assets?quoteAssetId=usd&quoteAmount=" + amount + "&payeeId=" + PAYEE)
                .then().header("X-Gateway-Cache", "miss");
        assertThat(upstreamCalls("GET /v1/setting/payment_assets")).isEqualTo(3);

        // quoteAmount without quoteAssetId breaks the page's rule: MixPay's error, every time from MixPay.
        for (int i = 0; i < 3; i++) {
            Response error = given().get("/v1/setting/payment_assets?quoteAmount=" + amount);
            assertThat(error.jsonPath().getInt("code")).isNotZero();
            assertThat(error.header("X-Gateway-Cache")).isEqualTo("miss");
        }
        assertThat(upstreamCalls("GET /v1/setting/payment_assets")).isEqualTo(6);
    }

    @Test
    void anOpenBreakerAnswersLookUpsSeenBeforeWithTheirLastGoodBodyMarkedStale() throws Exception {
        String known = "/v1/setting/quote_assets?x=" + uniqueAmount();
        byte[] good = given().get(known).then().statusCode(200).header("X-Gateway-Cache", "miss").extract().asByteArray();
        Thread.sleep(3100);
        admin("settings", "open");
        try {
            assertStale(known, good, 3);
            // Never seen before: nothing to fall back on, so the breaker's answer as before.
            given().get("/v1/setting/quote_assets?x=never" + uniqueAmount()).then().statusCode(503)
                    .header("X-Gateway-Error", "circuit_open").body("data.size()", equalTo(0));
        } finally {
            admin("settings", "close");
        }
        assertThat(upstreamCalls("GET /v1/setting/quote_assets")).isEqualTo(1);
    }

    @Test
    void anEstimateIsAnsweredStaleOnlyWhileMixPayCannotBeAsked() throws Exception {
        // The shipped estimates group: 5 s fresh, then its last price while MixPay cannot give one.
        String quote = "/v1/payments_estimated?paymentAssetId=" + BTC + "&settlementAssetId=" + BTC
                + "&quoteAssetId=usd&quoteAmount=" + uniqueAmount();
        byte[] good = given().get(quote).then().statusCode(200).header("X-Gateway-Route", "estimates")
                .header("X-Gateway-Cache", "miss").extract().asByteArray();
        given().get(quote).then().statusCode(200).header("X-Gateway-Cache", "hit");
        Thread.sleep(5100);
        admin("estimates", "open");
        try {
            assertStale(quote, good, 5);
        } finally {
            admin("estimates", "close");
        }
        // MixPay can be asked again: past its 5 s an estimate is never a hit, it is asked afresh.
        given().get(quote).then().statusCode(200).header("X-Gateway-Cache", "miss");
        assertThat(upstreamCalls("GET /v1/payments_estimated")).isEqualTo(2);
    }

    @Test
    void anEntryNearItsEndIsRefreshedOnceInTheBackgroundWhileCallersGetIt() throws Exception {
        String target = "/v1/user/mixin_uuid/" + (30000 + (int) (Math.random() * 60000));
        long stored = System.currentTimeMillis();
        given().get(target).then().statusCode(200).header("X-Gateway-Cache", "miss");
        Thread.sleep(2200);
        // In the TTL's last 30 % (of 3 s): a hit, and one refresh behind it however many hits.
        for (int i = 0; i < 5; i++) {
            given().get(target).then().statusCode(200).header("X-Gateway-Cache", "hit");
        }
        org.awaitility.Awaitility.await().atMost(3, TimeUnit.SECONDS)
                .until(() -> upstreamCalls("GET /v1/user/mixin_uuid/{mixinId}") == 2);
        Thread.sleep(Math.max(0, stored + 3200 - System.currentTimeMillis()));
        // Past the first answer's TTL, still a hit: the refresh renewed it.
        Response renewed = given().get(target);
        renewed.then().statusCode(200).header("X-Gateway-Cache", "hit");
        assertThat(Integer.parseInt(renewed.header("Age"))).isLessThan(3);
        assertThat(upstreamCalls("GET /v1/user/mixin_uuid/{mixinId}")).isEqualTo(2);
    }

    @Test
    void tenClientsPollingOnePaymentEvery200msCauseOneCallPerIntervalAndSeeSuccessWithinOne() throws Exception {
        String orderId = "poll" + UUID.randomUUID().toString().substring(0, 12);
        Response created = given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("payeeId", PAYEE, "orderId", orderId, "settlementAssetId", BTC, "quoteAssetId", "usd",
                        "quoteAmount", "10"))
                .post("/v1/one_time_payment");
        created.then().statusCode(200).body("code", equalTo(0));
        String poll = "/v1/payments_result?orderId=" + orderId + "&payeeId=" + PAYEE;
        ExecutorService clients = Executors.newFixedThreadPool(10);
        long start = System.currentTimeMillis();
        long[] paidAt = {Long.MAX_VALUE};
        List<Future<Long>> successSeen = new ArrayList<>();
        try {
            for (int c = 0; c < 10; c++) {
                successSeen.add(clients.submit(() -> {
                    while (System.currentTimeMillis() - start < 12_000) {
                        Response answer = given().get(poll);
                        assertThat(answer.statusCode()).isEqualTo(200);
                        if ("success".equals(answer.jsonPath().getString("data.status"))) {
                            return System.currentTimeMillis();
                        }
                        Thread.sleep(200);
                    }
                    return Long.MAX_VALUE;
                }));
            }
            Thread.sleep(6_000);
            long pollsBeforePay = upstreamCalls("GET /v1/payments_result");
            // Six seconds of polls by ten clients every 200 ms (about 300) are three intervals of 2 s.
            assertThat(pollsBeforePay).isBetween(2L, 4L);
            payByOrder(orderId);
            paidAt[0] = System.currentTimeMillis();
            for (Future<Long> seen : successSeen) {
                long at = seen.get(15, TimeUnit.SECONDS);
                // One interval, plus the client's own 200 ms between polls, plus slack for a loaded machine.
                assertThat(at - paidAt[0]).as("success seen within one interval of the payment").isLessThan(2_000 + 200 + 800);
            }
        } finally {
            clients.shutdownNow();
        }
        // The final answer is kept: polls after it never reach MixPay.
        long after = upstreamCalls("GET /v1/payments_result");
        for (int i = 0; i < 10; i++) {
            given().get(poll).then().statusCode(200).header("X-Gateway-Cache", "hit").body("data.status", equalTo("success"));
        }
        assertThat(upstreamCalls("GET /v1/payments_result")).isEqualTo(after);
    }

    private static void payByOrder(String orderId) {
        List<Map<String, Object>> requests = given().get(SimulatorUpstream.controls() + "/_simulator/requests")
                .then().extract().path("requests.findAll { it.orderId == '" + orderId + "' && it.traceId != null }");
        String traceId = (String) requests.get(0).get("traceId");
        given().post(SimulatorUpstream.controls() + "/_simulator/payments/" + traceId + "/pay").then().statusCode(200);
    }

    private static double budgetCalls() {
        String metrics = management().get("/q/metrics").asString();
        // Every call taken from the budget is an upstream attempt, and nothing else is.
        return metrics.lines().filter(line -> line.startsWith("mixpay_gateway_upstream_attempts_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static void admin(String group, String action) {
        management().header("X-Admin-Token", "test-admin-token").post("/admin/routes/" + group + "/circuit/" + action)
                .then().statusCode(200);
    }

    /** The last good body, marked stale because the group's breaker is open, at least this many seconds old. */
    private static void assertStale(String target, byte[] good, int minAgeSeconds) {
        Response stale = given().get(target);
        stale.then().statusCode(200).header("X-Gateway-Cache", "stale").header("X-Gateway-Stale-Reason", "circuit_open");
        assertThat(Integer.parseInt(stale.header("Age"))).isGreaterThanOrEqualTo(minAgeSeconds);
        assertThat(stale.asByteArray()).isEqualTo(good);
    }

    private static String uniqueAmount() {
        return Integer.toString(10 + (int) (Math.random() * 1_000_000));
    }
}
