package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import me.mixpay.gateway.support.MixPayReplies;

@QuarkusTest
class ForwardingTest extends GatewayTestBase {

    @ParameterizedTest
    @ValueSource(strings = { "GET", "DELETE", "PUT", "PATCH", "OPTIONS" })
    void everyMethodReachesUpstreamWithPathAndQuery(String method) {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(MixPayReplies.success("{}"))));

        given().queryParam("traceId", "t 1&x").queryParam("orderId", "ø-42")
                .request(method, "/v1/some/resource")
                .then().statusCode(200);

        List<LoggedRequest> seen = upstream.findAll(anyRequestedFor(anyUrl()));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).getMethod().getName()).isEqualTo(method);
        assertThat(seen.get(0).getUrl()).isEqualTo("/v1/some/resource?traceId=t%201%26x&orderId=%C3%B8-42");
    }

    @Test
    void jsonBodyAndHeadersPassBothWays() {
        upstream.stubFor(post("/v1/payments").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("X-MixPay-Trace", "abc")
                .withHeader("Set-Cookie", "s=1")
                .withBody(MixPayReplies.success("{\"traceId\":\"t-1\"}"))));

        String body = "{\"orderId\":\"o-1\",\"quoteAmount\":\"10.5\"}";
        given().contentType("application/json").header("Authorization", "Bearer merchant-token")
                .header("X-Custom", "v1").header("X-Custom", "v2")
                .body(body)
                .post("/v1/payments")
                .then().statusCode(201)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-MixPay-Trace", "abc")
                .header("Set-Cookie", "s=1")
                .body("data.traceId", org.hamcrest.Matchers.equalTo("t-1"));

        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/payments"))
                .withRequestBody(equalToJson(body))
                .withHeader("Authorization", equalTo("Bearer merchant-token"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("X-Custom", equalTo("v1"))
                .withHeader("X-Custom", equalTo("v2")));
    }

    @Test
    void binaryAndLargeBodiesArriveByteForByte() {
        byte[] request = new byte[600 * 1024];
        byte[] reply = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(request);
        new Random(8).nextBytes(reply);
        upstream.stubFor(post("/v1/upload").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(reply)));

        Response response = given().contentType("application/octet-stream").body(request).post("/v1/upload");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asByteArray()).isEqualTo(reply);
        assertThat(response.header("X-MixPay-Category")).isEqualTo("unparseable");
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/upload")).withRequestBody(binaryEqualTo(request)));
    }

    @ParameterizedTest
    @ValueSource(ints = { 200, 201, 204, 301, 400, 401, 404, 409, 429, 500, 502, 503 })
    void statusCodesPassUnchanged(int status) {
        upstream.stubFor(get("/v1/status").willReturn(aResponse().withStatus(status)
                .withHeader("Location", "https://elsewhere.example/").withBody(status == 204 ? "" : "{\"code\":0}")));

        given().redirects().follow(false).get("/v1/status").then().statusCode(status);

        // A redirect is MixPay's answer for the merchant, never followed by the gateway.
        upstream.verify(1, getRequestedFor(urlEqualTo("/v1/status")));
    }

    @Test
    void hopByHopHeadersAreStrippedBothWays() {
        upstream.stubFor(get("/v1/hops").willReturn(aResponse().withStatus(200)
                .withHeader("Connection", "X-Reply-Hop")
                .withHeader("X-Reply-Hop", "drop me")
                .withHeader("Keep-Alive", "timeout=5")
                .withHeader("Proxy-Authenticate", "Basic")
                .withHeader("Upgrade", "h2c")
                .withHeader("X-Kept", "kept")
                .withBody(MixPayReplies.success("[]"))));

        given().header("Connection", "X-Request-Hop")
                .header("X-Request-Hop", "drop me")
                .header("Keep-Alive", "timeout=5")
                .header("TE", "trailers")
                .header("Trailer", "X-Checksum")
                .header("HTTP2-Settings", "AAMAAABkAAQAAP__")
                .header("Upgrade", "websocket")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("Proxy-Foo", "bar")
                .header("X-Kept", "kept")
                .get("/v1/hops")
                .then().statusCode(200)
                .header("X-Reply-Hop", nullValue())
                .header("Keep-Alive", nullValue())
                .header("Proxy-Authenticate", nullValue())
                .header("Upgrade", nullValue())
                .header("X-Kept", "kept");

        upstream.verify(1, getRequestedFor(urlEqualTo("/v1/hops"))
                .withHeader("X-Request-Hop", absent())
                .withHeader("Keep-Alive", absent())
                .withHeader("TE", absent())
                .withHeader("Trailer", absent())
                .withHeader("HTTP2-Settings", absent())
                .withHeader("Upgrade", absent())
                .withHeader("Proxy-Authorization", absent())
                .withHeader("Proxy-Foo", absent())
                .withHeader("X-Kept", equalTo("kept")));
    }

    @Test
    void callersRequestIdIsKeptBothWays() {
        upstream.stubFor(get("/v1/id").willReturn(aResponse().withStatus(200).withBody(MixPayReplies.success("{}"))));

        given().header("X-Request-Id", "merchant-req-42").get("/v1/id")
                .then().statusCode(200).header("X-Request-Id", "merchant-req-42");
        String longest = "Az09._:-".repeat(16);
        given().header("X-Request-Id", longest).get("/v1/id").then().statusCode(200).header("X-Request-Id", longest);

        upstream.verify(getRequestedFor(urlEqualTo("/v1/id")).withHeader("X-Request-Id", equalTo("merchant-req-42")));
    }

    @Test
    void missingOrUnsafeRequestIdIsReplaced() {
        upstream.stubFor(get("/v1/id").willReturn(aResponse().withStatus(200).withBody(MixPayReplies.success("{}"))));
        // A random (version 4, IETF variant) UUID.
        String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

        String generated = given().get("/v1/id").then().statusCode(200)
                .header("X-Request-Id", matchesPattern(uuid)).extract().header("X-Request-Id");
        given().header("X-Request-Id", "evil\"} injected").get("/v1/id").then().statusCode(200)
                .header("X-Request-Id", matchesPattern(uuid));
        given().header("X-Request-Id", "a".repeat(129)).get("/v1/id").then().statusCode(200)
                .header("X-Request-Id", matchesPattern(uuid));

        upstream.verify(getRequestedFor(urlEqualTo("/v1/id")).withHeader("X-Request-Id", equalTo(generated)));
        upstream.verify(3, getRequestedFor(urlEqualTo("/v1/id")).withHeader("X-Request-Id", matching(uuid)));
    }

    @Test
    void upstreamSeesItsOwnHostNotTheCallers() {
        upstream.stubFor(get("/v1/host").willReturn(aResponse().withStatus(200).withBody(MixPayReplies.success("{}"))));

        given().header("Host", "evil.example").header("X-Forwarded-Host", "evil.example")
                .get("/v1/host").then().statusCode(200);

        upstream.verify(1, getRequestedFor(urlPathEqualTo("/v1/host"))
                .withHeader("Host", equalTo("127.0.0.1:" + upstream.port()))
                .withHeader("X-Forwarded-Host", absent()));
    }
}
