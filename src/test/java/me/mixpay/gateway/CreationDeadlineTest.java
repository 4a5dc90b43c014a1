package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.lessThan;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import me.mixpay.gateway.support.MixPayReplies;

/**
 * A keyed creation against a MixPay slow to say whether the payment exists, over real HTTP: nothing is
 * sent after the request has been answered, and every answer comes within the request's time. ChaosTest
 * met the first now and then as an order created twice: SmallRye's guards do not cancel the retry that
 * the request's deadline abandons, and that retry, told "no such payment" after the merchant had a
 * 504, sent the creation while the merchant's resend, told the same, sent it too. (The retry's look-up
 * now ends within the request's time, and a retry abandoned anyway sends nothing: ProxyExchangeTest.)
 */
@QuarkusTest
@TestProfile(CreationDeadlineTest.ShortDeadline.class)
class CreationDeadlineTest extends GatewayTestBase {

    /** The payments group answers within 1 s; the slow look-ups take longer. */
    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.routes.payments.timeout.overall", "1s",
                    "gateway.routes.payments.retry.initial-delay", "10ms",
                    "gateway.routes.payments.retry.jitter", "0ms",
                    "gateway.routes.payments.circuit-breaker.enabled", "false");
        }
    }

    private static final long SLOW_LOOK_UP_MILLIS = 1500;
    private static final String ABSENT = MixPayReplies.error(40022, "TraceId does not exist.");

    @Test
    void aCreationWhoseRetryIsStillAskingMixPayIsMadeOnceWhenTheMerchantResends() throws Exception {
        String orderId = "abandoned-" + System.nanoTime();
        // The first creation is reset (it may have arrived); the one after it is MixPay's success.
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).inScenario("creation").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("reset"));
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).inScenario("creation").whenScenarioStateIs("reset")
                .willReturn(MixPayReplies.json(MixPayReplies.success(
                        "{\"traceId\":\"t-" + orderId + "\",\"orderId\":\"" + orderId + "\",\"status\":\"unpaid\"}"))));
        // MixPay has no such payment: said slowly to the retry, at once to the merchant's resend.
        upstream.stubFor(get(urlPathEqualTo("/v1/payments_result")).inScenario("look-up").whenScenarioStateIs(STARTED)
                .willReturn(MixPayReplies.json(ABSENT).withFixedDelay((int) SLOW_LOOK_UP_MILLIS)).willSetStateTo("asked"));
        upstream.stubFor(get(urlPathEqualTo("/v1/payments_result")).inScenario("look-up").whenScenarioStateIs("asked")
                .willReturn(MixPayReplies.json(ABSENT)));
        Map<String, String> order = order(orderId);
        long start = System.currentTimeMillis();

        // The retry is still asking MixPay when the request's time runs out: the creation is unknown (the
        // look-up is cut short now; it used to outlive the request's answer, and its retry with it).
        given().formParams(order).post("/v1/payments").then().statusCode(502).header("X-Gateway-Error", "upstream_reset");

        // The merchant sends it again at once: MixPay is asked, has none, and the creation is sent once more.
        Response resent = given().formParams(order).post("/v1/payments");
        resent.then().statusCode(200);
        assertThat(resent.jsonPath().getString("data.traceId")).isEqualTo("t-" + orderId);

        // Past the retry's slow look-up (also "no such payment"): the retry must not have sent the creation.
        Thread.sleep(Math.max(0, start + SLOW_LOOK_UP_MILLIS + 1000 - System.currentTimeMillis()));
        assertThat(upstream.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).hasSize(2);
        given().formParams(order).post("/v1/payments").then().statusCode(200).header("X-Gateway-Idempotency", "replay");
        assertThat(upstream.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).hasSize(2);
    }

    @Test
    void aResendMixPayIsSlowToReconcileIsAnsweredWithinTheRequestsTime() throws Exception {
        String orderId = "slow-" + System.nanoTime();
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        // Slower than the request's time, though within the look-up's own timeout (3 s).
        upstream.stubFor(get(urlPathEqualTo("/v1/payments_result"))
                .willReturn(MixPayReplies.json(ABSENT).withFixedDelay((int) SLOW_LOOK_UP_MILLIS)));
        Map<String, String> order = order(orderId);

        // The reset, retried: 502 as a rule; 504 when a loaded machine delivered the reset itself after the
        // request's 1 s. Either way the merchant cannot know whether the creation arrived, and resends.
        given().formParams(order).post("/v1/payments").then().statusCode(anyOf(is(502), is(504)));

        // The resend is reconciled before anything is sent, outside the group's guards: still within its time.
        given().formParams(order).post("/v1/payments").then().statusCode(502)
                .header("X-Gateway-Error", "payment_unknown").header("X-Gateway-Idempotency", "unknown")
                .time(lessThan(SLOW_LOOK_UP_MILLIS - 200), TimeUnit.MILLISECONDS);

        Thread.sleep(SLOW_LOOK_UP_MILLIS + 500);
        // The abandoned retry's look-up and the resend's, or one when the retry's had not left yet on a
        // loaded machine (its deadline came first): either way the creation went to MixPay once.
        assertThat(upstream.findAll(getRequestedFor(urlPathEqualTo("/v1/payments_result")))).hasSizeBetween(1, 2);
        assertThat(upstream.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).hasSize(1);
    }

    private static Map<String, String> order(String orderId) {
        return Map.of("payeeId", "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7", "orderId", orderId, "quoteAmount", "1");
    }
}
