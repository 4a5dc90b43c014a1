package me.mixpay.gateway.callback;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.callback.CallbackTest.orderId;
import static me.mixpay.gateway.callback.CallbackTest.pay;
import static me.mixpay.gateway.callback.CallbackTest.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * While a payment's callback is expected its polls are paced at {@code poll.max-interval}, leaving MixPay's
 * budget to creations; a payment whose callback never comes is still polled at that pace, so a lost callback
 * costs freshness, never the payment. Here every callback is lost: the simulator posts them to a closed port.
 */
@QuarkusTest
@TestProfile(LostCallbackTest.CallbacksLost.class)
class LostCallbackTest {

    public static class CallbacksLost extends CallbackUpstream {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            // Port 9 (discard): nothing listens, every callback try is refused.
            config.put("gateway.simulator.callbacks.rewrite", PUBLIC_URL + "=http://127.0.0.1:9");
            // A budget so large that a plain pending poll is paced at the minimum.
            config.put("gateway.budget.limit", "6000");
            config.put("gateway.routes.payment-results.poll.min-interval", "200ms");
            config.put("gateway.routes.payment-results.poll.max-interval", "3s");
            // Here a check runs only when a test posts the callback itself: the one profile where the
            // check's class can change without moving another test's figures.
            config.put("gateway.callbacks.verify-class", "critical");
            return config;
        }
    }

    @Test
    void aPaymentWhoseCallbackIsExpectedIsPolledAtTheLongestIntervalAndStillSeenPaidWhenItsCallbackIsLost() throws Exception {
        // Created through the gateway: it carries the gateway's callback URL, so its callback is expected.
        String expected = orderId();
        String traceId = given().formParams(CreationForm.of(expected, CreationForm.ETH)).post("/v1/one_time_payment")
                .then().statusCode(200).extract().jsonPath().getString("data.code");
        // Created at MixPay directly: the gateway expects no callback for it.
        String plain = orderId();
        given().baseUri(SimulatorUpstream.controls()).port(-1).formParams(CreationForm.of(plain, CreationForm.ETH))
                .post("/v1/one_time_payment").then().statusCode(200);

        long polledAt = System.currentTimeMillis();
        poll(expected).then().statusCode(200).header("X-Gateway-Cache", "miss");
        poll(plain).then().statusCode(200).header("X-Gateway-Cache", "miss");
        pay(traceId);
        Thread.sleep(600);

        // Past the shortest interval: the plain payment is asked again, the expected one answered from the cache.
        poll(plain).then().statusCode(200).header("X-Gateway-Cache", "miss");
        Response paced = poll(expected);
        // Still told to ask every second: asking costs no call, and the callback, when it comes, is served at once.
        paced.then().statusCode(200).header("X-Gateway-Cache", "hit").header("X-Gateway-Poll-Interval", "1");
        assertThat(paced.jsonPath().getString("data.status")).as("the cached answer, while the callback is awaited").isEqualTo("unpaid");

        // The callback never arrives; at the longest interval MixPay is asked, and the payment is seen paid.
        Response seen = await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(250)).until(() -> poll(expected),
                reply -> "success".equals(reply.jsonPath().getString("data.status")));
        assertThat(seen.header("X-Gateway-Cache")).isEqualTo("miss");
        assertThat(System.currentTimeMillis() - polledAt).as("ms from the first poll to the payment seen paid").isBetween(2_500L, 6_500L);
        assertThat(CallbackTest.metric("mixpay_gateway_callbacks_verified_total{status=\"success\"}")).as("no callback arrived").isZero();
    }

    @Test
    void withVerifyClassCriticalACallbacksCheckIsServedWithTheCreations() {
        String orderId = orderId();
        String traceId = given().formParams(CreationForm.of(orderId, CreationForm.ETH)).post("/v1/one_time_payment")
                .then().statusCode(200).extract().jsonPath().getString("data.code");
        pay(traceId);
        double critical = CallbackTest.metric("mixpay_gateway_budget_calls_total{class=\"critical\"}");
        double verification = CallbackTest.metric("mixpay_gateway_budget_calls_total{class=\"verification\"}");

        // MixPay's own post is lost; the test posts it as MixPay would, to the URL MixPay was given.
        String callbackUrl = CallbackTest.payment(traceId).getString("callbackUrl");
        JsonObject body = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        given().contentType(ContentType.JSON).body(body.encode()).post(callbackUrl.substring(CallbackUpstream.PUBLIC_URL.length()))
                .then().statusCode(200).body("code", org.hamcrest.Matchers.equalTo("SUCCESS"));

        assertThat(CallbackTest.metric("mixpay_gateway_budget_calls_total{class=\"critical\"}") - critical).as("the check").isEqualTo(1);
        assertThat(CallbackTest.metric("mixpay_gateway_budget_calls_total{class=\"verification\"}")).isEqualTo(verification);
        poll(orderId).then().statusCode(200).header("X-Gateway-Cache", "hit").body("data.status", org.hamcrest.Matchers.equalTo("success"));
    }
}
