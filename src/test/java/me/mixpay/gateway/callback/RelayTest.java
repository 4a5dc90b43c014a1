package me.mixpay.gateway.callback;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.Management;
import me.mixpay.gateway.support.MerchantReceiver;

/**
 * Verified callbacks relayed to a merchant receiver the test runs, over real HTTP: signed as Standard
 * Webhooks defines (checked here with the test's own HMAC), once per event however often MixPay posts,
 * retried while the merchant fails, kept as a dead letter an operator redelivers, and never sent anywhere
 * an operator did not allow.
 */
@QuarkusTest
@TestProfile(CallbackUpstream.class)
class RelayTest {

    static MerchantReceiver merchant;

    @BeforeAll
    static void startMerchant() throws Exception {
        merchant = MerchantReceiver.start(CallbackUpstream.receiverPort());
    }

    @AfterAll
    static void stopMerchant() {
        merchant.close();
    }

    static String hook(String orderId) {
        return "http://127.0.0.1:" + CallbackUpstream.receiverPort() + "/hooks/mixpay?order=" + orderId;
    }

    /** Creates a one-time payment asking for a callback at the receiver; its traceId. */
    static String create(String orderId) {
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", hook(orderId));
        Response created = given().formParams(order).post("/v1/one_time_payment");
        created.then().statusCode(200);
        return created.jsonPath().getString("data.code");
    }

    @Test
    void aVerifiedCallbackReachesTheMerchantOnceSignedAndMixPaysRepeatsAreOneEvent() throws Exception {
        String orderId = CallbackTest.orderId();
        String traceId = create(orderId);
        CallbackTest.pay(traceId);
        await().atMost(Duration.ofSeconds(10)).until(() -> !merchant.postsFor(orderId).isEmpty());
        String path = CallbackTest.payment(traceId).getString("callbackUrl").substring(CallbackUpstream.PUBLIC_URL.length());
        JsonObject mixpays = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        for (int i = 0; i < 5; i++) {
            given().contentType(ContentType.JSON).body(mixpays.encode()).post(path).then().statusCode(200);
        }
        Thread.sleep(500);

        List<MerchantReceiver.Post> posts = merchant.postsFor(orderId);
        assertThat(posts).hasSize(1);
        MerchantReceiver.Post post = posts.get(0);
        assertThat(post.id()).startsWith("evt_");
        assertThat(Long.parseLong(post.timestamp())).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(30L));
        assertThat(post.signature()).isEqualTo("v1," + hmac(post.id() + "." + post.timestamp() + "." + post.body()));
        JsonObject body = post.json();
        assertThat(body.getString("traceId")).isEqualTo(traceId);
        assertThat(body.getString("payeeId")).isEqualTo(CreationForm.PAYEE);
        assertThat(body.getString("status")).isEqualTo("success");
        assertThat(body.getString("quoteAmount")).isEqualTo("10");
        assertThat(body.getString("quoteAssetId")).isEqualTo("usd");
    }

    @Test
    void aMerchantDownForAWhileGetsTheCallbackWhenItIsBack() {
        String orderId = CallbackTest.orderId();
        merchant.answer(orderId, 503, 502);
        String traceId = create(orderId);
        CallbackTest.pay(traceId);
        await().atMost(Duration.ofSeconds(10)).until(() -> merchant.postsFor(orderId).size() >= 3);
        List<MerchantReceiver.Post> posts = merchant.postsFor(orderId);
        assertThat(posts).hasSize(3);
        assertThat(posts.stream().map(MerchantReceiver.Post::id).distinct()).hasSize(1);
        // Exponential backoff: the second wait is at least the doubled first (100 ms, then 200 ms, plus jitter).
        assertThat(posts.get(2).atMs() - posts.get(1).atMs()).isGreaterThanOrEqualTo(190);
        assertThat(CallbackTest.metric("mixpay_gateway_relay_attempts_total{outcome=\"failed\"}")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aMerchantThatDribblesItsAnswerIsCutOffAtTheTrysTimeoutAndTriedAgain() {
        String orderId = CallbackTest.orderId();
        // Headers at once, then a byte every half second: an idle timeout never fires, and the try would hold
        // its delivery slot, past its lease, until the merchant finished 30 s later.
        merchant.answer(orderId, MerchantReceiver.DRIBBLE);
        String traceId = create(orderId);
        CallbackTest.pay(traceId);
        await().atMost(Duration.ofSeconds(10)).until(() -> merchant.postsFor(orderId).size() >= 2);
        List<MerchantReceiver.Post> posts = merchant.postsFor(orderId);
        // The try's timeout here is 2 s (CallbackUpstream), then a backoff of 100-150 ms.
        assertThat(posts.get(1).atMs() - posts.get(0).atMs()).isBetween(1_900L, 6_000L);
        assertThat(posts.get(1).id()).isEqualTo(posts.get(0).id());
        // And its connection is closed then, not left to dribble on.
        await().atMost(Duration.ofSeconds(5)).until(() -> merchant.cutOffAt(orderId) != null);
        assertThat(merchant.cutOffAt(orderId) - posts.get(0).atMs()).isBetween(1_900L, 4_000L);
    }

    @Test
    void aMerchantThatNeverAnswersEndsInTheDeadLettersAndIsRedeliveredFromTheAdminApi() {
        String orderId = CallbackTest.orderId();
        merchant.answer(orderId, 500, 500, 500, 500);
        String traceId = create(orderId);
        CallbackTest.pay(traceId);
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetter(orderId) != null);
        JsonObject dead = deadLetter(orderId);
        assertThat(dead.getInteger("attempts")).isEqualTo(4);
        assertThat(dead.getInteger("lastStatus")).isEqualTo(500);
        assertThat(dead.getString("target")).isEqualTo("http://127.0.0.1:" + CallbackUpstream.receiverPort());
        assertThat(dead.containsKey("body")).as("no body beyond the ids").isFalse();
        assertThat(merchant.postsFor(orderId)).hasSize(4);

        management().post("/admin/callbacks/dead/" + dead.getString("id") + "/redeliver").then().statusCode(401);
        management().header("X-Admin-Token", "test-admin-token").post("/admin/callbacks/dead/" + dead.getString("id") + "/redeliver")
                .then().statusCode(200).body("redelivered", org.hamcrest.Matchers.equalTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> merchant.postsFor(orderId).size() == 5);
        assertThat(merchant.postsFor(orderId).get(4).id()).isEqualTo(dead.getString("id"));
        assertThat(deadLetter(orderId)).isNull();
    }

    @Test
    void aCallbackUrlOutsideTheAllowedTargetsIsRefusedAndNeverReachesMixPay() {
        long since = System.currentTimeMillis();
        for (String target : List.of("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:" + Management.port() + "/admin/routes",
                "https://evil.example/hook", "http://127.0.0.1:" + CallbackUpstream.receiverPort() + "/other",
                "https://merchant.example.evil.example/hook", "https://user@merchant.example/hook")) {
            Map<String, String> order = CreationForm.of(CallbackTest.orderId(), CreationForm.ETH);
            order.put("callbackUrl", target);
            given().formParams(order).post("/v1/one_time_payment").then().statusCode(400)
                    .header("X-Gateway-Error", "callback_target_not_allowed").body("code", org.hamcrest.Matchers.equalTo(1017))
                    .body("data", org.hamcrest.Matchers.empty());
        }
        assertThat(CallbackTest.calls(null, since)).as("MixPay calls for refused creations").isZero();
    }

    @Test
    void aTargetAnotherMerchantClaimsIsRefusedAndAMerchantsOwnTargetIsAllowed() {
        long since = System.currentTimeMillis();
        Map<String, String> theirs = CreationForm.of(CallbackTest.orderId(), CreationForm.ETH);
        // Inside the shared https://merchant.example entry, and claimed by other-shop: every event is signed
        // with one key, so this merchant must not have its payment's events delivered there.
        theirs.put("callbackUrl", "https://merchant.example/other-shop/paid");
        given().formParams(theirs).post("/v1/one_time_payment").then().statusCode(400)
                .header("X-Gateway-Error", "callback_target_not_allowed").body("data", org.hamcrest.Matchers.empty());
        assertThat(CallbackTest.calls(null, since)).as("MixPay calls for the refused creation").isZero();

        for (String own : List.of("https://anonymous-shop.example/hooks/paid", "https://merchant.example/shared/paid")) {
            Map<String, String> order = CreationForm.of(CallbackTest.orderId(), CreationForm.ETH);
            order.put("callbackUrl", own);
            given().formParams(order).post("/v1/one_time_payment").then().statusCode(200).body("success", org.hamcrest.Matchers.equalTo(true));
        }
    }

    @Test
    void anAllowedNameThatResolvesToALoopbackAddressIsNeverConnectedTo() {
        String orderId = CallbackTest.orderId();
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", "http://localhost:" + CallbackUpstream.receiverPort() + "/hooks/mixpay");
        Response created = given().formParams(order).post("/v1/one_time_payment");
        created.then().statusCode(200);
        CallbackTest.pay(created.jsonPath().getString("data.code"));
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetter(orderId) != null);
        assertThat(deadLetter(orderId).getString("lastError")).contains("loopback");
        assertThat(merchant.postsFor(orderId)).isEmpty();
    }

    @Test
    void aForgedCallbackNeverReachesTheMerchant() throws Exception {
        String orderId = CallbackTest.orderId();
        String traceId = create(orderId);
        String path = CallbackTest.payment(traceId).getString("callbackUrl").substring(CallbackUpstream.PUBLIC_URL.length());
        JsonObject claim = new JsonObject().put("orderId", orderId).put("traceId", traceId).put("payeeId", CreationForm.PAYEE);
        given().contentType(ContentType.JSON).body(claim.encode()).post(path.substring(0, path.lastIndexOf('/') + 1) + "forged")
                .then().statusCode(403);
        given().contentType(ContentType.JSON).body(claim.copy().put("orderId", CallbackTest.orderId()).encode()).post(path)
                .then().statusCode(403);
        // The right URL and ids, but MixPay says the payment is unpaid: nothing to relay.
        given().contentType(ContentType.JSON).body(claim.encode()).post(path).then().statusCode(409);
        Thread.sleep(500);
        assertThat(merchant.postsFor(orderId)).isEmpty();
    }

    private static JsonObject deadLetter(String orderId) {
        JsonArray dead = new JsonObject(management().get("/admin/callbacks").asString()).getJsonArray("dead");
        return dead.stream().map(JsonObject.class::cast).filter(d -> orderId.equals(d.getString("orderId"))).findFirst().orElse(null);
    }

    private static String hmac(String content) throws Exception {
        byte[] key = Base64.getDecoder().decode(CallbackUpstream.SIGNING_SECRET.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
