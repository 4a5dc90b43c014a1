package me.mixpay.gateway.callback;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.idempotency.CreationKey;
import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.LogCapture;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * MixPay's callbacks received by one gateway in front of the simulator, over real HTTP: the simulator
 * creates the payment from the creation the gateway sent, settles it when the test pays it, and posts
 * its callback to the gateway's URL on MixPay's schedule. What MixPay saw is read from the simulator's
 * journal, never from the gateway.
 */
@QuarkusTest
@TestProfile(CallbackUpstream.class)
class CallbackTest {

    private static final String PAYMENTS_RESULT = "GET /v1/payments_result";

    static String orderId() {
        return "cb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Test
    void aPaidPaymentsCallbackIsVerifiedWithOneCallHoweverOftenItIsPostedAndTheNextPollIsAHit() {
        String orderId = orderId();
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", "https://merchant.example/mixpay/callback");
        Response created = given().formParams(order).post("/v1/one_time_payment");
        created.then().statusCode(200);
        String traceId = created.jsonPath().getString("data.code");

        // What MixPay received: the gateway's callback URL, not the merchant's.
        JsonObject atMixPay = payment(traceId);
        String callbackUrl = atMixPay.getString("callbackUrl");
        assertThat(callbackUrl).startsWith(CallbackUpstream.PUBLIC_URL + "/callbacks/mixpay/").doesNotContain("merchant.example");

        // The merchant's first poll goes to MixPay: the payment is unpaid.
        poll(orderId).then().statusCode(200).body("data.status", org.hamcrest.Matchers.equalTo("unpaid"));

        long paidAt = System.currentTimeMillis();
        double checks = metric("mixpay_gateway_budget_calls_total{class=\"verification\"}");
        pay(traceId);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(traceId));

        // MixPay posting the same callback five times more: all accepted, none asks MixPay again.
        String path = callbackUrl.substring(CallbackUpstream.PUBLIC_URL.length());
        JsonObject body = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        for (int i = 0; i < 5; i++) {
            given().contentType(ContentType.JSON).body(body.encode()).post(path).then().statusCode(200)
                    .body("code", org.hamcrest.Matchers.equalTo("SUCCESS"));
        }
        assertThat(calls(PAYMENTS_RESULT, paidAt)).as("payments_result calls after the payment").isEqualTo(1);

        // The merchant's next poll: the verified answer, from the cache, MixPay not called.
        Response next = poll(orderId);
        next.then().statusCode(200).header("X-Gateway-Cache", "hit").body("data.status", org.hamcrest.Matchers.equalTo("success"));
        given().get("/v1/payments_result?traceId=" + traceId).then().statusCode(200).header("X-Gateway-Cache", "hit")
                .body("data.status", org.hamcrest.Matchers.equalTo("success"));
        assertThat(calls(PAYMENTS_RESULT, paidAt)).isEqualTo(1);
        assertThat(metric("mixpay_gateway_budget_calls_total{class=\"verification\"}") - checks).as("the check, in its own budget class")
                .isEqualTo(1);
        assertThat(metric("mixpay_gateway_callbacks_verified_total{status=\"success\"}")).isPositive();
        assertThat(metric("mixpay_gateway_callback_to_cache_seconds_count")).isPositive();

        // The on-call status page shows them.
        String page = management().get("/status").asString();
        assertThat(page).contains("id=\"callbacks\" data-enabled=\"true\"").containsPattern("data-verified=\"[1-9][0-9]*\"")
                .contains("callback to poll cache p99").contains("Relay to merchants");
        // And the last quarter hour's chart of it, from the page's next sample on (every 5 s).
        await().atMost(Duration.ofSeconds(8)).until(() -> management().get("/status").asString(),
                html -> html.matches("(?s).*<svg id=\"callback-chart\"[^>]*data-samples=\"[1-9].*"));
    }

    @Test
    void aResendOfTheCreationStillReplaysAndCarriesTheSameCallbackUrl() {
        String orderId = orderId();
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", "https://merchant.example/cb?order=" + orderId);
        long since = System.currentTimeMillis();
        Response first = given().formParams(order).post("/v1/payments");
        first.then().statusCode(200);
        Response again = given().contentType(ContentType.JSON).body(new JsonObject(new java.util.LinkedHashMap<>(order)).encode())
                .post("/v1/payments");
        again.then().statusCode(200).header("X-Gateway-Idempotency", "replay");
        assertThat(again.asString()).isEqualTo(first.asString());
        assertThat(calls("POST /v1/payments", since)).isEqualTo(1);
        // The one creation MixPay holds calls back to the gateway, at the URL bound to this order.
        assertThat(payment(first.jsonPath().getString("data.traceId")).getString("callbackUrl"))
                .isEqualTo(CallbackUpstream.PUBLIC_URL + CallbackUrls.PATH + refAndToken(orderId));
    }

    @Test
    void forgedCallbacksAreRefusedWithoutAnyMixPayCall() {
        String orderId = orderId();
        Response created = given().formParams(CreationForm.of(orderId, CreationForm.ETH)).post("/v1/one_time_payment");
        String traceId = created.jsonPath().getString("data.code");
        String path = payment(traceId).getString("callbackUrl").substring(CallbackUpstream.PUBLIC_URL.length());
        String ref = path.split("/")[3];
        String otherOrder = orderId();
        given().formParams(CreationForm.of(otherOrder, CreationForm.ETH)).post("/v1/one_time_payment").then().statusCode(200);
        JsonObject body = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        double before = metric("mixpay_gateway_callbacks_refused_total{reason=\"bad_token\"}");
        long since = System.currentTimeMillis();
        LogCapture logs = new LogCapture().start();

        given().contentType(ContentType.JSON).body(body.encode()).post("/callbacks/mixpay/").then().statusCode(403)
                .header("X-Gateway-Error", "callback_refused").body("success", org.hamcrest.Matchers.equalTo(false))
                .body("data", org.hamcrest.Matchers.empty());
        given().contentType(ContentType.JSON).body(body.encode()).post("/callbacks/mixpay/" + ref + "/not-the-token")
                .then().statusCode(403);
        for (int i = 0; i < 50; i++) {
            given().contentType(ContentType.JSON).body(body.encode())
                    .post("/callbacks/mixpay/" + ref + "/" + "x".repeat(43)).then().statusCode(403);
        }
        // The right URL with another payment's ids.
        JsonObject other = new JsonObject().put("orderId", otherOrder).put("traceId", UUID.randomUUID().toString())
                .put("payeeId", CreationForm.PAYEE);
        given().contentType(ContentType.JSON).body(other.encode()).post(path).then().statusCode(403)
                .body("gateway.detail", org.hamcrest.Matchers.containsString("ids mismatch"));
        given().get(path).then().statusCode(405);

        assertThat(calls(null, since)).as("MixPay calls made for forged callbacks").isZero();
        assertThat(metric("mixpay_gateway_callbacks_refused_total{reason=\"bad_token\"}") - before).isEqualTo(52);
        assertThat(metric("mixpay_gateway_callbacks_refused_total{reason=\"ids_mismatch\"}")).isPositive();
        // A flood costs the log one line per reason per 10 s, and none of what the forger sent but the reason.
        logs.stop();
        List<String> refusals = logs.lines().stream().filter(line -> line.contains("callback refused")).toList();
        assertThat(refusals).filteredOn(line -> line.contains("bad_token")).as("log lines for 52 posts with a bad token").hasSizeLessThanOrEqualTo(1);
        assertThat(refusals).noneMatch(line -> line.contains(orderId) || line.contains(otherOrder) || line.contains("xxxxxxxx"));
    }

    @Test
    void aCallbackForAPaymentNotYetPaidIsNotFinalAndMixPayIsAskedToSendItAgain() {
        String orderId = orderId();
        Response created = given().formParams(CreationForm.of(orderId, CreationForm.ETH)).post("/v1/one_time_payment");
        String traceId = created.jsonPath().getString("data.code");
        String path = payment(traceId).getString("callbackUrl").substring(CallbackUpstream.PUBLIC_URL.length());
        JsonObject body = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);

        given().formParams(body.getMap()).post(path).then().statusCode(409).header("X-Gateway-Error", "callback_not_final");

        poll(orderId).then().statusCode(200).header("X-Gateway-Cache", org.hamcrest.Matchers.not("hit"))
                .body("data.status", org.hamcrest.Matchers.equalTo("unpaid"));
    }

    @Test
    void aCallbackMixPayCannotBeAskedAboutIsDeferredAndMixPaysNextTryVerifiesIt() {
        String orderId = orderId();
        String traceId = given().formParams(CreationForm.of(orderId, CreationForm.ETH)).post("/v1/one_time_payment")
                .then().statusCode(200).extract().jsonPath().getString("data.code");
        String path = payment(traceId).getString("callbackUrl").substring(CallbackUpstream.PUBLIC_URL.length());
        JsonObject body = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        double deferred = metric("mixpay_gateway_callbacks_deferred_total{reason=\"unverified\"}");
        given().baseUri(SimulatorUpstream.controls()).port(-1).post("/_simulator/maintenance?for=60s&code=10008").then().statusCode(200);
        try {
            pay(traceId);
            // MixPay's own callback, then a post of ours: the check meets maintenance, MixPay is asked to try again.
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("mixpay_gateway_callbacks_deferred_total{reason=\"unverified\"}") > deferred);
            given().contentType(ContentType.JSON).body(body.encode()).post(path).then().statusCode(503)
                    .header("X-Gateway-Error", "callback_unverified").body("data", org.hamcrest.Matchers.empty());
            assertThat(delivered(traceId)).as("MixPay was never told SUCCESS").isFalse();
        } finally {
            given().baseUri(SimulatorUpstream.controls()).port(-1).delete("/_simulator/maintenance").then().statusCode(200);
        }

        // MixPay's next try on its schedule (2.4 s after the first here, 100 times faster than MixPay's) is verified.
        await().atMost(Duration.ofSeconds(25)).until(() -> delivered(traceId));
        poll(orderId).then().statusCode(200).header("X-Gateway-Cache", "hit").body("data.status", org.hamcrest.Matchers.equalTo("success"));
    }

    @Test
    void aPaymentWhoseTermsDifferFromTheCreationIsNeverRecordedFinal() {
        // A payer who edited a pay link: MixPay holds the order at 0.01 USD, the merchant created it at 10.
        String orderId = orderId();
        Map<String, String> tampered = CreationForm.of(orderId, CreationForm.ETH);
        tampered.put("quoteAmount", "0.01");
        given().baseUri(SimulatorUpstream.controls()).port(-1).formParams(tampered).post("/v1/payments").then().statusCode(200);
        Response created = given().formParams(CreationForm.of(orderId, CreationForm.ETH)).post("/v1/payments");
        created.then().statusCode(200);
        String traceId = created.jsonPath().getString("data.traceId");
        String path = "/callbacks/mixpay/" + refAndToken(orderId);
        long paidAt = System.currentTimeMillis();
        pay(traceId);
        JsonObject body = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        LogCapture logs = new LogCapture().start();

        given().contentType(ContentType.JSON).body(body.encode()).post(path).then().statusCode(403)
                .body("gateway.detail", org.hamcrest.Matchers.containsString("amount mismatch"));
        // Checked once: MixPay's later tries get the same answer without another call.
        given().contentType(ContentType.JSON).body(body.encode()).post(path).then().statusCode(403);
        assertThat(calls(PAYMENTS_RESULT, paidAt)).isEqualTo(1);
        // What the page's runbook looks for: the payment named, once.
        logs.stop();
        assertThat(logs.lines()).filteredOn(line -> line.contains("payment failed verification (amount_mismatch)"))
                .singleElement().asString().contains(orderId, traceId, CreationForm.PAYEE);

        // The merchant's poll is MixPay's own answer, never a verified hit.
        poll(orderId).then().statusCode(200).header("X-Gateway-Cache", "miss").body("data.quoteAmount", org.hamcrest.Matchers.equalTo("0.01"));
    }

    @Test
    void aPaymentForAnotherPayeeIsRefused() {
        String traceId = UUID.randomUUID().toString();
        Map<String, String> theirs = CreationForm.of(orderId(), CreationForm.ETH);
        theirs.remove("orderId");
        theirs.put("traceId", traceId);
        theirs.put("payeeId", UUID.randomUUID().toString());
        given().baseUri(SimulatorUpstream.controls()).port(-1).formParams(theirs).post("/v1/payments").then().statusCode(200);
        Map<String, String> mine = CreationForm.of(orderId(), CreationForm.ETH);
        mine.remove("orderId");
        mine.put("traceId", traceId);
        given().formParams(mine).post("/v1/payments").then().statusCode(200);
        pay(traceId);
        String path = payment(traceId).getString("callbackUrl");
        // MixPay kept the first creation's terms (no gateway URL): the gateway's URL is the one it would have used.
        assertThat(path).isNull();
        JsonObject body = new JsonObject().put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        given().contentType(ContentType.JSON).body(body.encode()).post("/callbacks/mixpay/" + refAndTokenByTrace(traceId))
                .then().statusCode(403).body("gateway.detail", org.hamcrest.Matchers.containsString("payee mismatch"));
        // Never recorded as this merchant's verified answer: the poll asks MixPay.
        given().get("/v1/payments_result?traceId=" + traceId).then().statusCode(200)
                .header("X-Gateway-Cache", org.hamcrest.Matchers.not("hit"));
    }

    /** The ref and token the gateway puts in an order-keyed creation's callback URL, computed as it does. */
    private static String refAndToken(String orderId) {
        return refAndTokenOf("anonymous\norder\n" + CreationForm.PAYEE + "\n" + orderId);
    }

    private static String refAndTokenByTrace(String traceId) {
        return refAndTokenOf("anonymous\ntrace\n" + traceId);
    }

    private static String refAndTokenOf(String keyId) {
        CallbackUrls urls = new CallbackUrls(URI.create(CallbackUpstream.PUBLIC_URL), CallbackUpstream.TOKEN_SECRET);
        String url = urls.urlFor(urls.refOf(new CreationKey(keyId, true, false, null, null, null)));
        return url.substring(url.indexOf(CallbackUrls.PATH) + CallbackUrls.PATH.length());
    }

    static Response poll(String orderId) {
        return given().get("/v1/payments_result?orderId=" + orderId + "&payeeId=" + CreationForm.PAYEE);
    }

    static JsonObject payment(String traceId) {
        return new JsonObject(given().baseUri(SimulatorUpstream.controls()).port(-1).get("/_simulator/payments/" + traceId).asString());
    }

    static void pay(String traceId) {
        given().baseUri(SimulatorUpstream.controls()).port(-1).post("/_simulator/payments/" + traceId + "/pay").then().statusCode(200);
    }

    static boolean delivered(String traceId) {
        JsonArray tries = new JsonObject(given().baseUri(SimulatorUpstream.controls()).port(-1).get("/_simulator/callbacks").asString())
                .getJsonArray("tries");
        return tries.stream().map(JsonObject.class::cast).anyMatch(t -> traceId.equals(t.getString("traceId")) && t.getBoolean("delivered"));
    }

    /** MixPay calls of one endpoint since then ({@code null}: all). */
    static long calls(String endpoint, long sinceMs) {
        JsonObject journal = new JsonObject(given().baseUri(SimulatorUpstream.controls()).port(-1)
                .get("/_simulator/requests?since=" + sinceMs).asString());
        return journal.getJsonArray("requests").stream().map(JsonObject.class::cast)
                .filter(r -> endpoint == null || endpoint.equals(r.getString("endpoint"))).count();
    }

    static double metric(String series) {
        return me.mixpay.gateway.support.Management.metric(series);
    }
}
