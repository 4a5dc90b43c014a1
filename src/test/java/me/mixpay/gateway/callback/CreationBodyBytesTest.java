package me.mixpay.gateway.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import me.mixpay.gateway.GatewayTestBase;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * What MixPay receives of a JSON creation when the gateway puts its callback URL in: the merchant's own
 * members exactly as written (numbers with trailing zeros or more digits than a double holds, escapes,
 * spacing), recorded by WireMock as bytes. A body parsed and encoded again would send {@code 10.0}.
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
}
