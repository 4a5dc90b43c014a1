package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

import me.mixpay.gateway.support.MixPayReplies;
import me.mixpay.gateway.support.RawHttp;

/** The gateway only ever calls the configured upstream, and only with a clean /v1 path. */
@QuarkusTest
class OpenProxyTest extends GatewayTestBase {

    @BeforeEach
    void anyRequestWouldSucceed() {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody(MixPayReplies.success("{}"))));
    }

    @Test
    void absoluteFormTargetIsRefused() throws IOException {
        RawHttp.Reply reply = RawHttp.send("GET http://evil.example/v1/setting/payment_assets HTTP/1.1\r\nHost: evil.example");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).contains("\"code\":1017").contains("\"error\":\"bad_request\"");
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void absoluteFormTargetIsRefusedOnEveryPath() throws IOException {
        RawHttp.Reply reply = RawHttp.send("GET http://127.0.0.1/q/health HTTP/1.1\r\nHost: 127.0.0.1");

        assertThat(reply.status()).isEqualTo(400);
    }

    @Test
    void connectIsRefused() throws IOException {
        RawHttp.Reply reply = RawHttp.send("CONNECT /v1/setting/payment_assets HTTP/1.1\r\nHost: evil.example:443");

        assertThat(reply.status()).as(reply.text()).isEqualTo(405);
        assertThat(reply.body()).contains("\"error\":\"method_not_allowed\"");
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void connectToAnAuthorityIsRefused() throws IOException {
        // Quarkus' outer router refuses an authority-form target before the application sees it.
        RawHttp.Reply reply = RawHttp.send("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443");

        assertThat(reply.status()).as(reply.text()).isEqualTo(404);
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void unknownPathsGetAnEnvelope() {
        given().get("/nothing-here").then().statusCode(404)
                .body("code", equalTo(404)).body("message", equalTo("The payment link you visited does not exist."))
                .body("data", equalTo(java.util.List.of())).body("gateway.error", equalTo("not_found"));
    }

    @Test
    void traceIsRefused() {
        given().request("TRACE", "/v1/setting/payment_assets").then().statusCode(405);
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/../q/metrics",
            "/v1/setting/../../admin",
            "/v1/%2e%2e/admin",
            "/v1/%2E%2E/admin",
            "/v1/setting%2f..%2f..%2fadmin",
            "/v1/setting/%252e%252e/admin",
            "/v1//evil.example/x",
            "/v1/./setting",
            "/v1/setting\\..\\admin",
    })
    void pathTricksAreRefused(String target) throws IOException {
        RawHttp.Reply reply = RawHttp.send("GET " + target + " HTTP/1.1\r\nHost: localhost");

        assertThat(reply.status()).as(target).isIn(400, 404);
        assertThat(upstream.getAllServeEvents()).as(target).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/pay%6Dents", "/v1/payments;x=1", "/v1/payments/", "/v1/one_time_payment/", "/v1/one%5Ftime%5Fpayment" })
    void anotherSpellingOfACreationIsRefusedNotForwardedAsSomethingElse(String target) {
        given().contentType("application/json").body("{\"orderId\":\"o-1\",\"callbackUrl\":\"https://elsewhere.example/x\"}")
                .post(target).then().statusCode(400).body("code", equalTo(1017)).body("success", equalTo(false))
                .body("data", equalTo(List.of())).body("gateway.error", equalTo("bad_request"));
        assertThat(upstream.getAllServeEvents()).as(target).isEmpty();
    }

    @Test
    void protocolRelativeTargetIsRefused() throws IOException {
        RawHttp.Reply reply = RawHttp.send("GET //evil.example/v1/setting HTTP/1.1\r\nHost: localhost");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "X-Original-URL", "X-Rewrite-URL", "X-HTTP-Method-Override", "X-Method-Override" })
    void steeringHeadersAreRefused(String header) {
        given().header(header, "http://evil.example/admin").get("/v1/setting/payment_assets")
                .then().statusCode(400).body("gateway.error", equalTo("bad_request"));

        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void headerInjectionIsRefusedByTheParser() throws IOException {
        RawHttp.Reply reply = RawHttp.send("GET /v1/setting/payment_assets HTTP/1.1\r\nHost: localhost\r\nX-A: a\rInjected: b");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }
}
