package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import me.mixpay.gateway.support.MixPayReplies;

/**
 * The policies of issue "Resilience policies per route group", each through the real HTTP path
 * against the WireMock upstream. Test groups (src/test/resources/application-test.properties) keep breaker state apart.
 */
@QuarkusTest
class ResilienceTest extends GatewayTestBase {

    @Test
    void getFailingTwiceWithMinusOneThenSucceedingReturnsTheSuccessAfterThreeAttempts() {
        String path = "/v1/test/retry/assets";
        upstream.stubFor(get(path).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(MixPayReplies.json(MixPayReplies.error(-1, "Server error"))).willSetStateTo("second"));
        upstream.stubFor(get(path).inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(MixPayReplies.json(MixPayReplies.error(-1, "Server error"))).willSetStateTo("third"));
        upstream.stubFor(get(path).inScenario("flaky").whenScenarioStateIs("third")
                .willReturn(MixPayReplies.json(MixPayReplies.success("[1]"))));

        given().get(path).then().statusCode(200)
                .header("X-Gateway-Attempts", "3")
                .header("X-Gateway-Route", "t-retry")
                .header("X-MixPay-Code", "0")
                .body("data[0]", equalTo(1));

        upstream.verify(3, getRequestedFor(urlEqualTo(path)));
    }

    @Test
    void paymentCreationAnsweredWithMinusOneIsNotResent() {
        upstream.stubFor(post("/v1/payments").willReturn(MixPayReplies.json(MixPayReplies.error(-1, "Server error"))));

        given().contentType("application/json").body("{\"orderId\":\"o-1\"}").post("/v1/payments").then()
                .statusCode(200)
                .header("X-Gateway-Route", "payments")
                .header("X-Gateway-Attempts", "1")
                .header("X-MixPay-Code", "-1")
                .body("code", equalTo(-1));

        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/payments")));
    }

    @Test
    void paymentCreationResetAfterSendingIsNotResent() {
        upstream.stubFor(post("/v1/test/post/payments").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        given().body("{\"orderId\":\"o-2\"}").post("/v1/test/post/payments").then()
                .statusCode(502)
                .header("X-Gateway-Attempts", "1")
                .body("gateway.error", equalTo("upstream_reset"));

        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/test/post/payments")));
    }

    @Test
    void maintenanceCodeOpensTheBreakerAtOnceAndATrialClosesIt() {
        String path = "/v1/test/maint/payments";
        upstream.stubFor(get(path).willReturn(MixPayReplies.json(MixPayReplies.error(10008,
                "Payments are suspended temporarily due to system maintenance."))));

        given().get(path).then().statusCode(200).header("X-MixPay-Code", "10008").header("X-Gateway-Attempts", "1");

        // Open at once: answered by the gateway, replaying MixPay's notice, without calling MixPay.
        given().get(path).then().statusCode(503)
                .header("X-Gateway-Circuit", "open")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .header("X-Gateway-Attempts", "0")
                .body("code", equalTo(10008))
                .body("message", equalTo("Payments are suspended temporarily due to system maintenance."))
                .body("gateway.error", equalTo("circuit_open"));
        upstream.verify(1, getRequestedFor(urlEqualTo(path)));

        upstream.stubFor(get(path).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().get(path).then().statusCode(200).header("X-MixPay-Code", "0"));
        given().get(path).then().statusCode(200).header("X-Gateway-Circuit", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void parameterErrorsPassWithOneAttemptAndNeverOpenTheBreaker() {
        String path = "/v1/test/client/estimate";
        upstream.stubFor(get(path).willReturn(MixPayReplies.json(MixPayReplies.error(1017, "Parameter error."))));
        for (int i = 0; i < 10; i++) {
            given().get(path).then().statusCode(200).header("X-Gateway-Attempts", "1").header("X-MixPay-Code", "1017");
        }
        upstream.stubFor(get(path).willReturn(MixPayReplies.json(MixPayReplies.error(10011, "Parameter error"))));
        for (int i = 0; i < 10; i++) {
            given().get(path).then().statusCode(200).header("X-Gateway-Attempts", "1")
                    .header("X-Gateway-Circuit", org.hamcrest.Matchers.nullValue());
        }
        upstream.verify(20, getRequestedFor(urlEqualTo(path)));
    }

    @Test
    void failureRatioOpensTheBreakerAndItAnswersFast() {
        String path = "/v1/test/cb/x";
        upstream.stubFor(get(path).willReturn(aResponse().withStatus(503).withBody("unavailable")));
        for (int i = 0; i < 4; i++) {
            // A bare 503 page carries no envelope: the merchant gets the gateway's own (502).
            given().get(path).then().statusCode(502).header("X-Gateway-Attempts", "1")
                    .body("gateway.error", equalTo("upstream_invalid_reply"));
        }
        given().get(path).then().statusCode(503).header("X-Gateway-Circuit", "open")
                .body("code", equalTo(-1)).body("gateway.error", equalTo("circuit_open"));
        upstream.verify(4, getRequestedFor(urlEqualTo(path)));
    }

    @Test
    void failuresThatRetriesAbsorbDoNotOpenTheBreaker() {
        // Every request fails once with -1 and then succeeds: half of all attempts fail, no request does.
        String path = "/v1/test/absorb/x";
        upstream.stubFor(get(path).inScenario("absorb").whenScenarioStateIs(STARTED)
                .willReturn(MixPayReplies.json(MixPayReplies.error(-1, "Server error"))).willSetStateTo("up"));
        upstream.stubFor(get(path).inScenario("absorb").whenScenarioStateIs("up")
                .willReturn(MixPayReplies.json(MixPayReplies.success("{}"))).willSetStateTo(STARTED));
        for (int i = 0; i < 30; i++) {
            given().get(path).then().statusCode(200).header("X-Gateway-Attempts", "2")
                    .header("X-Gateway-Circuit", org.hamcrest.Matchers.nullValue());
        }
        upstream.verify(60, getRequestedFor(urlEqualTo(path)));
    }

    @Test
    void bulkheadOverflowGets503AndEveryRequestExactlyOneReply() throws Exception {
        String path = "/v1/test/bulkhead/slow";
        upstream.stubFor(get(path).willReturn(aResponse().withFixedDelay(600).withBody(MixPayReplies.success("{}"))));

        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(() -> given().get(path).then().extract().statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(calls, 20, TimeUnit.SECONDS)) {
            statuses.add(f.get());
        }
        pool.shutdown();

        assertThat(statuses).hasSize(10).allMatch(s -> s == 200 || s == 503);
        // Two in flight and two queued get through; the other six are refused at once.
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(4);
        assertThat(statuses).filteredOn(s -> s == 503).hasSize(6);
        upstream.verify(4, getRequestedFor(urlEqualTo(path)));
        given().get(path).then().statusCode(200);
    }

    @Test
    void bulkheadRefusalIsAnEnvelope() throws Exception {
        String path = "/v1/test/bulkhead/slow2";
        upstream.stubFor(get(path).willReturn(aResponse().withFixedDelay(800).withBody(MixPayReplies.success("{}"))));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Response>> busy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            busy.add(pool.submit(() -> given().get(path)));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> upstream.countRequestsMatching(
                getRequestedFor(urlEqualTo(path)).build()).getCount() >= 2);
        given().get(path).then().statusCode(503)
                .time(lessThan(500L), TimeUnit.MILLISECONDS)
                .body("code", equalTo(-1)).body("gateway.error", equalTo("bulkhead_full"));
        for (Future<Response> f : busy) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        pool.shutdown();
    }

    @Test
    void retryBudgetCapsUpstreamCallsDuringAFullOutage() {
        String path = "/v1/test/budget/assets";
        upstream.stubFor(get(urlPathMatching(path)).willReturn(MixPayReplies.json(MixPayReplies.error(-1, "Server error"))));

        int requests = 50;
        for (int i = 0; i < requests; i++) {
            given().get(path).then().statusCode(200).header("X-MixPay-Code", "-1");
        }

        // Without a budget: 50 x 5 attempts = 250 calls. With 10 % of 50 requests: at most 5 retries.
        int calls = upstream.countRequestsMatching(getRequestedFor(urlEqualTo(path)).build()).getCount();
        assertThat(calls).isBetween(requests, requests + 5);
    }

    @Test
    void maxAttemptsKnobChangesTheNumberOfAttempts() {
        upstream.stubFor(get("/v1/test/knob/x").willReturn(MixPayReplies.json(MixPayReplies.error(-1, "e"))));
        upstream.stubFor(get("/v1/test/retry/x").willReturn(MixPayReplies.json(MixPayReplies.error(-1, "e"))));

        // Same failure, two groups: t-knob has retry.max-attempts=5, t-retry the default 3.
        given().get("/v1/test/knob/x").then().header("X-Gateway-Attempts", "5");
        given().get("/v1/test/retry/x").then().header("X-Gateway-Attempts", "3");
        upstream.verify(5, getRequestedFor(urlEqualTo("/v1/test/knob/x")));
        upstream.verify(3, getRequestedFor(urlEqualTo("/v1/test/retry/x")));
    }

    @Test
    void idempotentKnobDecidesWhetherMinusOneIsRetried() {
        upstream.stubFor(get("/v1/test/maint/y").willReturn(MixPayReplies.json(MixPayReplies.error(-1, "e"))));

        // t-maint is not idempotent (the default): a -1 is handed back after one attempt.
        given().get("/v1/test/maint/y").then().header("X-Gateway-Attempts", "1");
        upstream.verify(1, getRequestedFor(urlEqualTo("/v1/test/maint/y")));
    }

    @Test
    void attemptTimeoutKnobCutsEachAttemptAndIdempotentCallsRetry() {
        String path = "/v1/test/timeout/slow";
        upstream.stubFor(get(path).willReturn(aResponse().withFixedDelay(800).withBody(MixPayReplies.success("{}"))));

        // timeout.attempt=250ms, well under the 1 s read timeout: two attempts, then 504.
        given().get(path).then().statusCode(504)
                .time(lessThan(780L), TimeUnit.MILLISECONDS)
                .header("X-Gateway-Attempts", "2")
                .body("gateway.error", equalTo("upstream_timeout"));
        upstream.verify(2, getRequestedFor(urlEqualTo(path)));
    }

    @Test
    void overallTimeoutKnobBoundsTheWholeRequest() {
        String path = "/v1/test/overall/slow";
        upstream.stubFor(get(path).willReturn(aResponse().withFixedDelay(800).withBody(MixPayReplies.success("{}"))));

        // 5 attempts of 300 ms would take 1.5 s; timeout.overall=500ms ends it after the second.
        given().get(path).then().statusCode(504)
                .time(lessThan(900L), TimeUnit.MILLISECONDS)
                .body("gateway.error", equalTo("upstream_timeout"));
    }

    @Test
    void everyReplySaysItsRoute() {
        upstream.stubFor(get("/v1/setting/payment_assets").willReturn(MixPayReplies.json(MixPayReplies.success("[]"))));
        upstream.stubFor(get(urlPathMatching("/v1/payments_result")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        upstream.stubFor(get("/v1/other").willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));

        given().get("/v1/setting/payment_assets").then().header("X-Gateway-Route", "settings");
        given().get("/v1/payments_result?traceId=1").then().header("X-Gateway-Route", "payment-results");
        given().get("/v1/other").then().header("X-Gateway-Route", "default");
    }
}
