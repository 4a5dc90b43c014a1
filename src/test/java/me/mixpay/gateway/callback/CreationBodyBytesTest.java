package me.mixpay.gateway.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import me.mixpay.gateway.GatewayTestBase;
import me.mixpay.gateway.idempotency.CreationKey;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * What MixPay receives of a JSON creation when the gateway puts its callback URL in: the merchant's own
 * members exactly as written (numbers with trailing zeros or more digits than a double holds, escapes,
 * spacing), recorded by WireMock as bytes. A body parsed and encoded again would send {@code 10.0}. And what
 * the gateway keeps of it to check MixPay's callback: the amount as written, not as a double rounds it.
 */
@QuarkusTest
@TestProfile(CreationBodyBytesTest.CallbacksOnWireMock.class)
class CreationBodyBytesTest extends GatewayTestBase {

    public static class CallbacksOnWireMock implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.callbacks.public-url", CallbackUpstream.PUBLIC_URL,
                    "gateway.callbacks.token-secret", CallbackUpstream.TOKEN_SECRET,
                    "gateway.callbacks.allowed-targets", "https://merchant.example",
                    "gateway.callbacks.signing-secret", CallbackUpstream.SIGNING_SECRET);
        }
    }

    @Test
    void aJsonCreationReachesMixPayWithTheMerchantsMembersAsWrittenAndTheGatewaysCallbackUrl() {
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(MixPayReplies.json(MixPayReplies.success(
                "{\"traceId\":\"t-bytes\",\"orderId\":\"bytes-1\",\"status\":\"unpaid\"}"))));
        // Members as a merchant might write them: numbers MixPay reads as amounts, escapes, a nested
        // callbackUrl that is the merchant's own data, and blanks inside a member.
        List<String> members = List.of("\"payeeId\": \"8e69e534-d0c4-3e04-8b61-37a73cd9e7d7\"", "\"orderId\":\"bytes-1\"",
                "\"quoteAssetId\":\"usd\"", "\"quoteAmount\": 10.00", "\"settlementAssetId\":\"c6d0c728-2624-429b-8e0d-d9d19b6592fa\"",
                "\"paymentAssetId\":\"c6d0c728-2624-429b-8e0d-d9d19b6592fa\"", "\"paymentAmount\": 0.123456789012345678901",
                "\"remark\":\"caf\\u00e9 \\\"quoted\\\"\"", "\"extra\": {\"nested\": [1.50, {\"callbackUrl\": \"kept\"}]}");
        String body = "{ " + String.join(",\n  ", members) + ",\n  \"callbackUrl\": \"https://merchant.example/cb\" }";

        given().contentType(ContentType.JSON).body(body).post("/v1/payments").then().statusCode(200);

        List<LoggedRequest> sent = upstream.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")));
        assertThat(sent).hasSize(1);
        String atMixPay = sent.get(0).getBodyAsString();
        // Every member but the top-level callbackUrl, as the merchant wrote it, then the gateway's URL.
        String expectedStart = "{" + String.join(",", members) + ",\"callbackUrl\":\"" + CallbackUpstream.PUBLIC_URL + "/callbacks/mixpay/";
        assertThat(atMixPay).startsWith(expectedStart).endsWith("\"}").doesNotContain("merchant.example");
        assertThat(atMixPay).contains("\"quoteAmount\": 10.00", "\"paymentAmount\": 0.123456789012345678901",
                "\"remark\":\"caf\\u00e9 \\\"quoted\\\"\"", "{\"callbackUrl\": \"kept\"}");
    }

    @Test
    void aJsonAmountADoubleCannotHoldIsCheckedAsWrittenWhenItsCallbackComes() {
        String payee = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";
        String amount = "0.123456789012345678901";
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(MixPayReplies.json(MixPayReplies.success(
                "{\"traceId\":\"t-exact\",\"orderId\":\"exact-1\",\"status\":\"unpaid\"}"))));
        // MixPay answers amounts as strings (payments--payments-results.md), with every digit it was given.
        upstream.stubFor(get(urlPathEqualTo("/v1/payments_result")).willReturn(MixPayReplies.json(MixPayReplies.success(
                "{\"status\":\"success\",\"traceId\":\"t-exact\",\"orderId\":\"exact-1\",\"payeeId\":\"" + payee
                        + "\",\"quoteAmount\":\"" + amount + "\",\"quoteAssetId\":\"usd\"}"))));
        given().contentType(ContentType.JSON).body("{\"payeeId\":\"" + payee + "\",\"orderId\":\"exact-1\",\"quoteAssetId\":\"usd\","
                + "\"quoteAmount\":" + amount + ",\"settlementAssetId\":\"usd\"}").post("/v1/payments").then().statusCode(200);

        String callback = given().contentType(ContentType.JSON)
                .body("{\"orderId\":\"exact-1\",\"traceId\":\"t-exact\",\"payeeId\":\"" + payee + "\"}")
                .post(callbackPath("anonymous\norder\n" + payee + "\nexact-1")).then().extract().asString();

        // Read through a double, the order's amount was 0.12345678901234568 and MixPay's a mismatch (403).
        assertThat(callback).contains("\"code\":\"SUCCESS\"");
        assertThat(upstream.findAll(getRequestedFor(urlPathEqualTo("/v1/payments_result")))).hasSize(1);
        given().get("/v1/payments_result?orderId=exact-1&payeeId=" + payee).then().statusCode(200)
                .header("X-Gateway-Cache", "hit").body("data.status", org.hamcrest.Matchers.equalTo("success"));
    }

    /** The path of the gateway's callback URL for a creation's key, computed as the gateway does. */
    private static String callbackPath(String keyId) {
        CallbackUrls urls = new CallbackUrls(URI.create(CallbackUpstream.PUBLIC_URL), CallbackUpstream.TOKEN_SECRET);
        String url = urls.urlFor(urls.refOf(new CreationKey(keyId, true, false, null, null, null)));
        return url.substring(url.indexOf(CallbackUrls.PATH));
    }
}
