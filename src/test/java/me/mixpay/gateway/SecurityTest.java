package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

import me.mixpay.gateway.auth.MerchantKeys;
import me.mixpay.gateway.support.LogCapture;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * Merchant authentication, per-merchant limits, request limits and slow clients, through the real
 * HTTP port with authentication on (the other tests run with it off).
 */
@QuarkusTest
@TestProfile(SecurityTest.WithMerchantKeys.class)
class SecurityTest extends GatewayTestBase {

    static final String KEY_A = "ka_7f3c9e1b5d2a4f608e1c3b5a7d9f2e4c";
    static final String KEY_B = "kb_1a2b3c4d5e6f708192a3b4c5d6e7f809";
    static final String MIXPAY_CREDENTIAL = "mixpay-secret-access-token-4242";

    public static class WithMerchantKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.auth.enabled", "true",
                    "gateway.auth.merchants.shop-a", MerchantKeys.hashOf(KEY_A),
                    "gateway.auth.merchants.shop-b", MerchantKeys.hashOf(KEY_B),
                    "gateway.limits.body-read-timeout", "1s",
                    "quarkus.http.idle-timeout", "3s",
                    "quarkus.log.category.\"mixpay.gateway.access\".level", "INFO");
        }
    }

    private final LogCapture logs = new LogCapture();
    private final List<String> logged = logs.lines();
    private final List<String> accessLines = logs.accessLines();

    @BeforeEach
    void captureLogs() {
        logs.start();
    }

    @AfterEach
    void releaseLogs() {
        logs.stop();
    }

    @Test
    void missingOrUnknownKeyGets401EnvelopeAndNothingIsForwarded() {
        upstream.stubFor(get(urlPathMatching("/v1/setting/.*")).willReturn(json(MixPayReplies.success("{}"))));
        given().get("/v1/setting/payment_assets").then().statusCode(401)
                .body("code", equalTo(2000)).body("success", equalTo(false)).body("gateway.error", equalTo("unauthenticated"));
        given().header("X-Gateway-Key", "not-a-key").get("/v1/setting/payment_assets").then().statusCode(401)
                .body("gateway.error", equalTo("unauthenticated"));
        given().header("X-Gateway-Key", "").get("/v1/setting/payment_assets").then().statusCode(401);
        upstream.verify(0, getRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void knownKeyIsForwardedWithoutTheGatewayKeyAndWithTheMerchantsMixPayCredentialsUntouched() {
        upstream.stubFor(get(urlPathMatching("/v1/setting/.*")).willReturn(json(MixPayReplies.success("{}"))));
        given().header("X-Gateway-Key", KEY_A).header("Authorization", "Bearer " + MIXPAY_CREDENTIAL)
                .get("/v1/setting/payment_assets?sign=" + MIXPAY_CREDENTIAL).then().statusCode(200);
        upstream.verify(1, getRequestedFor(urlPathMatching("/v1/setting/payment_assets"))
                .withHeader("X-Gateway-Key", absent())
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + MIXPAY_CREDENTIAL))
                .withQueryParam("sign", com.github.tomakehurst.wiremock.client.WireMock.equalTo(MIXPAY_CREDENTIAL)));

        assertThat(String.join("\n", logged)).as("log lines").contains("shop-a")
                .doesNotContain(KEY_A).doesNotContain(MIXPAY_CREDENTIAL).doesNotContain(MerchantKeys.hashOf(KEY_A));
    }

    @Test
    void theAccessLineIsOneJsonObjectThatNamesTheRequestAndNoSecret() throws Exception {
        upstream.stubFor(get(urlPathMatching("/v1/setting/.*")).willReturn(json(MixPayReplies.error(10011, "Parameter error"))));
        String requestId = given().header("X-Gateway-Key", KEY_A).get("/v1/setting/assets?sign=" + MIXPAY_CREDENTIAL)
                .then().statusCode(200).extract().header("X-Request-Id");

        String line = accessLines.stream().filter(l -> l.contains(requestId)).findFirst().orElseThrow();
        // In production this message is the whole line (application.properties): it must parse on its own.
        var entry = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        assertThat(java.time.Instant.parse(entry.get("time").asText())).isBetween(
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now());
        assertThat(entry.get("requestId").asText()).isEqualTo(requestId);
        assertThat(entry.get("merchant").asText()).isEqualTo("shop-a");
        assertThat(entry.get("path").asText()).isEqualTo("/v1/setting/assets");
        assertThat(entry.get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("mixpayCode").asText()).isEqualTo("10011");
        assertThat(entry.get("category").asText()).isEqualTo("client_error");
        assertThat(line).doesNotContain(MIXPAY_CREDENTIAL).doesNotContain(KEY_A);
    }

    @Test
    void eachMerchantHasItsOwnMetrics() {
        upstream.stubFor(post("/v1/payments").willReturn(json(MixPayReplies.success("{}"))));
        for (int i = 0; i < 20; i++) {
            given().header("X-Gateway-Key", KEY_B).post("/v1/payments").then().statusCode(200);
        }
        given().header("X-Gateway-Key", KEY_A).post("/v1/payments").then().statusCode(200);

        String metrics = management().get("/q/metrics").asString();
        assertThat(metrics).contains("mixpay_gateway_merchant_requests_total{merchant=\"shop-b\",outcome=\"success\"} 20.0")
                .contains("mixpay_gateway_merchant_requests_total{merchant=\"shop-a\",outcome=\"success\"} 1.0");
        // Merchant ids are a closed set: the only merchant labels are the configured ones.
        assertThat(metrics.lines().filter(l -> l.startsWith("mixpay_gateway_merchant_requests_total{"))
                .map(l -> l.replaceAll(".*merchant=\"([^\"]*)\".*", "$1")).distinct().toList())
                .allMatch(m -> m.equals("shop-a") || m.equals("shop-b"));
    }

    @Test
    void oversizedTargetAndHeadersGetTheirOwnStatusEnvelopeAndMetric() throws Exception {
        given().header("X-Gateway-Key", KEY_A).get("/v1/setting/" + "a".repeat(5000)).then().statusCode(414)
                .body("gateway.error", equalTo("uri_too_long"));
        var tooMany = given().header("X-Gateway-Key", KEY_A);
        for (int i = 0; i < 70; i++) {
            tooMany = tooMany.header("X-Extra-" + i, "v");
        }
        tooMany.get("/v1/setting/payment_assets").then().statusCode(431).body("gateway.error", equalTo("headers_too_large"));
        given().header("X-Gateway-Key", KEY_A).header("X-Big", "b".repeat(17_000)).get("/v1/setting/payment_assets")
                .then().statusCode(431).body("gateway.error", equalTo("headers_too_large"));

        String metrics = management().get("/q/metrics").asString();
        assertThat(metrics).containsPattern("mixpay_gateway_refusals_total\\{reason=\"uri_too_long\"} [1-9]")
                .containsPattern("mixpay_gateway_refusals_total\\{reason=\"headers_too_large\"} [2-9]");
    }

    @Test
    void slowBodyGets408AndTheConnectionIsClosed() throws Exception {
        upstream.stubFor(post("/v1/payments").willReturn(json(MixPayReplies.success("{}"))));
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/payments HTTP/1.1\r\nHost: localhost\r\nX-Gateway-Key: " + KEY_A
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"orderId\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(reply).startsWith("HTTP/1.1 408").contains("\"gateway\":{\"error\":\"request_timeout\"");
            assertThat(waitedMs).isBetween(800L, 5_000L);
        }
        upstream.verify(0, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void stalledHeadersAreCutOffByTheIdleTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/setting/payment_assets HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            int read = in.read();
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(read).as("the server closed the connection").isEqualTo(-1);
            assertThat(waitedMs).isBetween(2_000L, 10_000L);
        }
    }
}
