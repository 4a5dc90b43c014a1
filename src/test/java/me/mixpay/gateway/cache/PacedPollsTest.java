package me.mixpay.gateway.cache;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * Polls give way as more payments are polled: with a small budget (8 calls per 3 s, half of it for
 * polls), four payments polled at once are each asked every 3 s, not every 1 s (the minimum), while a
 * creation still goes at once. The window, the minimum interval and the estimates' freshness are
 * scaled down from the shipped 60 s, 2 s and 5 s so that the class outlives them in seconds: what is
 * checked is how the interval follows the budget and the pending payments, not their size.
 */
@QuarkusTest
@TestProfile(PacedPollsTest.SmallBudget.class)
// The first test counts the payments being polled; the second's would still count among them.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PacedPollsTest {

    static final int LIMIT = 8;
    static final long WINDOW_MILLIS = 3000;
    static final long MIN_INTERVAL_MILLIS = 1000;
    static final long ESTIMATE_TTL_MILLIS = 1500;

    public static class SmallBudget extends SimulatorUpstream {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("gateway.budget.limit", Integer.toString(LIMIT));
            config.put("gateway.budget.window", WINDOW_MILLIS + "ms");
            config.put("gateway.routes.payment-results.poll.min-interval", MIN_INTERVAL_MILLIS + "ms");
            config.put("gateway.routes.estimates.cache.ttl", ESTIMATE_TTL_MILLIS + "ms");
            // The shares these tests count with (of 8: creations keep 2, polls 2), whatever the defaults.
            config.put("gateway.budget.critical-reserve", "0.25");
            config.put("gateway.budget.normal-reserve", "0.25");
            return config;
        }
    }

    @Test
    @Order(1)
    void theIntervalStretchesAsTheWindowFillsAndCreationsDoNotWait() throws Exception {
        assertThat(interval()).isEqualTo(MIN_INTERVAL_MILLIS / 1000.0);
        String watched = created();
        String poll = "/v1/payments_result?orderId=" + watched + "&payeeId=" + LookupCacheTest.PAYEE;
        given().get(poll).then().statusCode(200).header("X-Gateway-Cache", "miss");
        // Three more payments polled: four share the four poll calls of each window, so each is asked once a window.
        for (int i = 0; i < 3; i++) {
            given().get("/v1/payments_result?orderId=" + UUID.randomUUID().toString().substring(0, 12) + "&payeeId="
                    + LookupCacheTest.PAYEE).then().statusCode(200);
        }
        assertThat(interval()).isEqualTo(WINDOW_MILLIS / 1000.0);
        Thread.sleep(MIN_INTERVAL_MILLIS + 300);
        // Past the minimum interval, the watched payment's answer is still reused, and says how old it is.
        Response reused = given().get(poll);
        reused.then().statusCode(200).header("X-Gateway-Cache", "hit");
        assertThat(Integer.parseInt(reused.header("Age"))).isGreaterThanOrEqualTo((int) (MIN_INTERVAL_MILLIS / 1000));
        // On-call sees the same age in the poll answer age summary: the reused answer's Age among the poll answers.
        assertThat(metric("mixpay_gateway_poll_answer_age_seconds_max")).isGreaterThanOrEqualTo(MIN_INTERVAL_MILLIS / 1000);
        assertThat(metric("mixpay_gateway_poll_answer_age_seconds_count")).isGreaterThanOrEqualTo(5);
        // A creation is critical: it has its reserve and goes at once.
        long start = System.nanoTime();
        created();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
    }

    @Test
    @Order(2)
    void aPendingAnswerOlderThanTwiceTheIntervalIsNotHandedOutInsteadOfAWait() throws Exception {
        String watched = created();
        String poll = "/v1/payments_result?orderId=" + watched + "&payeeId=" + LookupCacheTest.PAYEE;
        Response first = given().get(poll);
        first.then().statusCode(200).header("X-Gateway-Cache", "miss");
        long interval = Long.parseLong(first.header("X-Gateway-Poll-Interval"));
        Thread.sleep(2 * interval * 1000 + 500);
        // The window filled by creations, and a look-up waiting for room: the budget has none for a poll now.
        fillTheWindowWithCreations();
        java.util.concurrent.CompletableFuture<Response> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> given().get("/v1/setting/payment_assets?waits=" + UUID.randomUUID()));
        Thread.sleep(300);

        // Past twice its interval, the pending answer no longer stands in: the poll waits its turn for
        // MixPay instead (or is told there is no budget), and is never handed a status that old.
        Response answer = given().get(poll);
        assertThat(answer.header("X-Gateway-Cache")).as("the %d s old pending answer", 2 * interval).isNotEqualTo("hit");
        if (answer.statusCode() == 200 && answer.header("Age") != null) {
            assertThat(Long.parseLong(answer.header("Age"))).isLessThanOrEqualTo(2 * Long.parseLong(answer.header("X-Gateway-Poll-Interval")));
        }
        waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    @Order(3)
    void aLookUpAnsweredStaleForWantOfBudgetIsRefreshedOnceInTheBackground() throws Exception {
        Thread.sleep(WINDOW_MILLIS + 500); // the calls of the tests before have left the window (and its send margin)
        String quote = estimate();
        byte[] good = given().get(quote).then().statusCode(200).header("X-Gateway-Cache", "miss").extract().asByteArray();
        Thread.sleep(ESTIMATE_TTL_MILLIS + 100); // past the estimate's freshness
        fillTheWindowWithCreations();
        // A look-up of another group finds that low calls have no room, and waits for it.
        java.util.concurrent.CompletableFuture<Response> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> given().get("/v1/setting/payment_assets?waits=" + UUID.randomUUID()));
        Thread.sleep(300);
        long estimatesBefore = LookupCacheTest.upstreamCalls("GET /v1/payments_estimated");

        for (int i = 0; i < 3; i++) {
            Response stale = given().get(quote);
            stale.then().statusCode(200).header("X-Gateway-Cache", "stale").header("X-Gateway-Stale-Reason", "budget_exhausted");
            assertThat(stale.time()).as("the last price at once, not a wait for room").isLessThan(1_000);
            assertThat(stale.asByteArray()).isEqualTo(good);
        }
        // Once room comes back, one refresh (for all three) brings the entry up to date, nobody waiting on it.
        long until = System.currentTimeMillis() + 15_000;
        while (LookupCacheTest.upstreamCalls("GET /v1/payments_estimated") == estimatesBefore && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(300);
        assertThat(LookupCacheTest.upstreamCalls("GET /v1/payments_estimated")).isEqualTo(estimatesBefore + 1);
        given().get(quote).then().statusCode(200).header("X-Gateway-Cache", "hit");
        assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aLookUpNothingCanAnswerIsServedWithThePollsWhileOneWithAStaleAnswerWaitsItsClass() throws Exception {
        String seen = estimate();
        given().get(seen).then().statusCode(200).header("X-Gateway-Cache", "miss");
        // Past the estimate's freshness, and every call of this class's tests out of the window (and its send margin).
        Thread.sleep(Math.max(WINDOW_MILLIS, ESTIMATE_TTL_MILLIS) + 500);
        // Four creations: the window is at low's ceiling (8 - 2 critical - 2 held for polls), below normal's (6).
        while (remaining() > 4) {
            created();
        }

        long start = System.nanoTime();
        given().get(estimate()).then().statusCode(200).header("X-Gateway-Cache", "miss");
        assertThat((System.nanoTime() - start) / 1_000_000).as("a quote never asked, served in the polls' class").isLessThan(1_000);

        java.util.concurrent.CompletableFuture<Response> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> given().get(seen));
        Thread.sleep(500);
        assertThat(waiting).as("the quote with a last price waits for room for look-ups").isNotDone();
        assertThat(metric("mixpay_gateway_budget_waiting{class=\"low\"}")).isEqualTo(1.0);
        Response later = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        later.then().statusCode(200);
        assertThat(later.header("X-Gateway-Cache")).isIn("miss", "stale");
    }

    private static String estimate() {
        return "/v1/payments_estimated?paymentAssetId=" + LookupCacheTest.BTC + "&settlementAssetId=" + LookupCacheTest.BTC
                + "&quoteAssetId=usd&quoteAmount=" + (10 + (int) (Math.random() * 1_000_000));
    }

    private static int remaining() {
        return (int) metric("mixpay_gateway_budget_remaining");
    }

    private static double metric(String series) {
        return Double.parseDouble(management().get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{")).findFirst().orElseThrow().replaceAll(".* ", ""));
    }

    private static void fillTheWindowWithCreations() {
        int remaining = remaining();
        for (int i = 0; i < remaining; i++) {
            created();
        }
    }

    private static String created() {
        String orderId = "pace" + UUID.randomUUID().toString().substring(0, 12);
        given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("payeeId", LookupCacheTest.PAYEE, "orderId", orderId, "settlementAssetId", LookupCacheTest.BTC,
                        "quoteAssetId", "usd", "quoteAmount", "10"))
                .post("/v1/one_time_payment").then().statusCode(200).body("code", equalTo(0));
        return orderId;
    }

    private static double interval() {
        String line = management().get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith("mixpay_gateway_poll_interval_seconds{") && l.contains("route=\"payment-results\""))
                .findFirst().orElseThrow();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
