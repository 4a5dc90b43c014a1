package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.junit.QuarkusTest;

/** Faults made real by the upstream double; each ends in the documented gateway envelope. */
@QuarkusTest
class UpstreamFaultTest extends GatewayTestBase {

    private static final String PATH = "/v1/test/inspect/fault";

    @Test
    void resetBeforeReplyIs502UpstreamReset() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        given().get(PATH).then().statusCode(502)
                .contentType("application/json")
                .header("X-Gateway-Error", "upstream_reset")
                .body("code", equalTo(-1))
                .body("success", equalTo(false))
                .body("message", equalTo("Server error, please try again later."))
                .body("gateway.error", equalTo("upstream_reset"))
                .body("gateway.requestId", notNullValue())
                .body("timestampMs", notNullValue());
    }

    @Test
    void resetMidBodyIs502UpstreamReset() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

        given().get(PATH).then().statusCode(502).body("gateway.error", equalTo("upstream_reset"));
    }

    @Test
    void garbageThenCloseIs502() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

        given().get(PATH).then().statusCode(502).body("gateway.error", equalTo("upstream_reset"));
    }

    @Test
    void slowReplyPastTheReadTimeoutIs504() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withFixedDelay(3000).withBody("{\"code\":0}")));

        given().get(PATH).then().statusCode(504)
                .time(lessThan(2900L), TimeUnit.MILLISECONDS)
                .header("X-Gateway-Error", "upstream_timeout")
                .body("code", equalTo(-1))
                .body("gateway.error", equalTo("upstream_timeout"));
    }

    @Test
    void malformedJsonIsPassedThroughAsUnparseable() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"code\": 0, \"data\": [1, 2,")));

        given().get(PATH).then().statusCode(200)
                .header("X-MixPay-Category", "success")
                .body(equalTo("{\"code\": 0, \"data\": [1, 2,"));
    }

    @Test
    void malformedJsonBeforeTheCodeIsUnparseable() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(500).withBody("{\"co")));

        // An error without an envelope is no use to an SDK that reads `code`: the gateway answers instead.
        given().get(PATH).then().statusCode(502).body("gateway.error", equalTo("upstream_invalid_reply"))
                .body("code", equalTo(-1)).body("success", equalTo(false));
    }

    @Test
    void replyLargerThanTheUpstreamLimitIs502() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(new byte[3 * 1024 * 1024 + 1])));

        given().get(PATH).then().statusCode(502).body("gateway.error", equalTo("upstream_body_too_large"));
    }

    @Test
    void requestBodyOverTheLimitIs413WithoutReachingUpstream() {
        given().contentType("application/json").body(new byte[1024 * 1024 + 1]).post("/v1/payments")
                .then().statusCode(413)
                .body("code", equalTo(1017))
                .body("message", equalTo("Parameter error."))
                .body("gateway.error", equalTo("request_body_too_large"));

        org.assertj.core.api.Assertions.assertThat(upstream.getAllServeEvents()).isEmpty();
    }
}
