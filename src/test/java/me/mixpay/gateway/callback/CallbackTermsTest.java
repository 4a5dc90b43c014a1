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
 * spacing), recorded by WireMock as bytes. A body parsed and encoded again would send {@code 10.0}. And how
 * MixPay's callbacks are checked against those terms, with WireMock answering as MixPay: an amount as written
 * (not as a double rounds it), a failed payment whatever was paid, and posts that come right after a check.
 */
@QuarkusTest
@TestProfile(CallbackTermsTest.CallbacksOnWireMock.class)
class CallbackTermsTest extends GatewayTestBase {

    private static final String PAYEE = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";

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
        String amount = "0.123456789012345678901";
        // MixPay answers amounts as strings (payments--payments-results.md), with every digit it was given.
        mixPayAnswers("exact-1", "\"status\":\"success\",\"quoteAmount\":\"" + amount + "\",\"quoteAssetId\":\"usd\"");
        given().contentType(ContentType.JSON).body("{\"payeeId\":\"" + PAYEE + "\",\"orderId\":\"exact-1\",\"quoteAssetId\":\"usd\","
                + "\"quoteAmount\":" + amount + ",\"settlementAssetId\":\"usd\"}").post("/v1/payments").then().statusCode(200);

        // Read through a double, the order's amount was 0.12345678901234568 and MixPay's a mismatch (403).
        callback("exact-1").then().statusCode(200).body("code", org.hamcrest.Matchers.equalTo("SUCCESS"));
        assertThat(upstream.findAll(getRequestedFor(urlPathEqualTo("/v1/payments_result")))).hasSize(1);
        given().get("/v1/payments_result?orderId=exact-1&payeeId=" + PAYEE).then().statusCode(200)
                .header("X-Gateway-Cache", "hit").body("data.status", org.hamcrest.Matchers.equalTo("success"));
    }

    @Test
    void aFailedPaymentIsRecordedFailedWhateverAmountThePayerSent() {
        // The payer sent 1.5 of the 2 the order fixed: MixPay fails it (40024) and reports what was paid.
        mixPayAnswers("short-1", "\"status\":\"failed\",\"failureCode\":\"40024\",\"paymentAmount\":\"1.5\",\"paymentAssetId\":\"eth\"");
        given().formParams(Map.of("payeeId", PAYEE, "orderId", "short-1", "paymentAssetId", "eth", "paymentAmount", "2",
                "settlementAssetId", "eth")).post("/v1/payments").then().statusCode(200);

        callback("short-1").then().statusCode(200).body("code", org.hamcrest.Matchers.equalTo("SUCCESS"));
        given().get("/v1/payments_result?orderId=short-1&payeeId=" + PAYEE).then().statusCode(200)
                .header("X-Gateway-Cache", "hit").body("data.status", org.hamcrest.Matchers.equalTo("failed"));
    }

    @Test
    void aPostRightAfterACheckIsToldToComeBackAndCostsNoCall() {
        mixPayAnswers("again-1", "\"status\":\"unpaid\",\"quoteAmount\":\"3\",\"quoteAssetId\":\"usd\"");
        given().formParams(Map.of("payeeId", PAYEE, "orderId", "again-1", "quoteAssetId", "usd", "quoteAmount", "3",
                "settlementAssetId", "usd")).post("/v1/payments").then().statusCode(200);

        callback("again-1").then().statusCode(409).header("X-Gateway-Error", "callback_not_final");
        // Whoever holds the URL, posting again at once: told to come back, and MixPay is not asked again.
        for (int i = 0; i < 5; i++) {
            callback("again-1").then().statusCode(503).header("X-Gateway-Error", "callback_unverified");
        }
        assertThat(upstream.findAll(getRequestedFor(urlPathEqualTo("/v1/payments_result")))).hasSize(1);
    }

    @Test
    void aSubscribedEventPostedRightAfterTheSuccessIsNotAcceptedUnchecked() {
        mixPayAnswers("settle-1", "\"status\":\"success\",\"settleStatus\":\"pending\",\"quoteAmount\":\"3\",\"quoteAssetId\":\"usd\"");
        given().formParams(Map.of("payeeId", PAYEE, "orderId", "settle-1", "quoteAssetId", "usd", "quoteAmount", "3",
                "settlementAssetId", "usd", "callbackUrl", "https://merchant.example/hooks", "callbackEvent", "settle"))
                .post("/v1/payments").then().statusCode(200);

        callback("settle-1").then().statusCode(200);
        // The same ids again, seconds later: MixPay's settle event for all the gateway can tell. SUCCESS now
        // would end MixPay's tries, and the merchant who subscribed to settle would never hear of it.
        callback("settle-1").then().statusCode(503).header("X-Gateway-Error", "callback_unverified");
        assertThat(upstream.findAll(getRequestedFor(urlPathEqualTo("/v1/payments_result")))).hasSize(1);
    }

    @Test
    void aCreationMixPayRefusedLeavesNoTermsBehindForTheCorrectedOne() {
        mixPayAnswers("fixed-1", "\"status\":\"success\",\"quoteAmount\":\"3\",\"quoteAssetId\":\"usd\"");
        // MixPay refuses the first creation (a wrong asset, say); the merchant corrects it under the same order id.
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).atPriority(1).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("quoteAmount=5"))
                .willReturn(MixPayReplies.json(MixPayReplies.error(1017, "Invalid parameters"))));
        Map<String, String> order = new java.util.HashMap<>(Map.of("payeeId", PAYEE, "orderId", "fixed-1", "quoteAssetId", "usd",
                "quoteAmount", "5", "settlementAssetId", "usd"));
        given().formParams(order).post("/v1/payments").then().body("success", org.hamcrest.Matchers.equalTo(false));
        order.put("quoteAmount", "3");
        given().formParams(order).post("/v1/payments").then().statusCode(200).body("success", org.hamcrest.Matchers.equalTo(true));

        // Checked against the terms MixPay accepted, not the refused creation's 5.
        callback("fixed-1").then().statusCode(200).body("code", org.hamcrest.Matchers.equalTo("SUCCESS"));
    }

    @Test
    void aCreationTheGatewayCannotReadIsRefusedAndNeverReachesMixPay() {
        mixPayAnswers("odd-1", "\"status\":\"unpaid\"");
        // Multipart, plain text, a broken escape: the gateway could not put its URL in, nor check the merchant's.
        given().multiPart("payeeId", PAYEE).multiPart("orderId", "odd-1").multiPart("callbackUrl", "https://elsewhere.example/cb")
                .post("/v1/payments").then().statusCode(400).body("data", org.hamcrest.Matchers.empty())
                .body("gateway.detail", org.hamcrest.Matchers.containsString("a form or a JSON object"));
        given().contentType("text/plain").body("payeeId=" + PAYEE + "&orderId=odd-1").post("/v1/one_time_payment").then().statusCode(400);
        given().contentType("application/x-www-form-urlencoded").body("payeeId=" + PAYEE + "&orderId=odd-1&quoteAmount=%zz")
                .post("/v1/payments").then().statusCode(400);
        assertThat(upstream.findAll(postRequestedFor(urlPathEqualTo("/v1/payments")))).isEmpty();
        assertThat(upstream.findAll(postRequestedFor(urlPathEqualTo("/v1/one_time_payment")))).isEmpty();
    }

    /** MixPay, as WireMock: the order's creation, and {@code payments_result} answering with these members. */
    private void mixPayAnswers(String orderId, String resultMembers) {
        String ids = "\"traceId\":\"t-" + orderId + "\",\"orderId\":\"" + orderId + "\",\"payeeId\":\"" + PAYEE + "\"";
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(MixPayReplies.json(MixPayReplies.success(
                "{" + ids + ",\"status\":\"unpaid\"}"))));
        upstream.stubFor(get(urlPathEqualTo("/v1/payments_result")).willReturn(MixPayReplies.json(MixPayReplies.success(
                "{" + ids + "," + resultMembers + "}"))));
    }

    /** MixPay's callback post for the order, to the URL the gateway gave its creation. */
    private static io.restassured.response.Response callback(String orderId) {
        return given().contentType(ContentType.JSON)
                .body("{\"orderId\":\"" + orderId + "\",\"traceId\":\"t-" + orderId + "\",\"payeeId\":\"" + PAYEE + "\"}")
                .post(callbackPath("anonymous\norder\n" + PAYEE + "\n" + orderId));
    }

    /** The path of the gateway's callback URL for a creation's key, computed as the gateway does. */
    private static String callbackPath(String keyId) {
        CallbackUrls urls = new CallbackUrls(URI.create(CallbackUpstream.PUBLIC_URL), CallbackUpstream.TOKEN_SECRET);
        String url = urls.urlFor(urls.refOf(new CreationKey(keyId, true, false, null, null, null)));
        return url.substring(url.indexOf(CallbackUrls.PATH));
    }
}
