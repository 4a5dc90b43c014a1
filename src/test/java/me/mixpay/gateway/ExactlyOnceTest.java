package me.mixpay.gateway;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * Payment creations exactly once, on one replica in front of the simulator, over real HTTP. What MixPay
 * saw is read from the simulator's journal ({@code /_simulator/requests}), never from the gateway.
 */
@QuarkusTest
@TestProfile(SimulatorUpstream.class)
class ExactlyOnceTest {

    static final String PAYEE = CreationForm.PAYEE;
    static final String BTC = CreationForm.BTC;

    static Map<String, String> order(String orderId) {
        return CreationForm.of(orderId, CreationForm.ETH);
    }

    static String orderId() {
        return "eo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Test
    void theSameCreationAgainIsTheStoredReplyWhetherSentAsAFormOrAsJson() {
        String orderId = orderId();
        long since = System.currentTimeMillis();

        Response first = given().formParams(order(orderId)).post("/v1/payments");
        first.then().statusCode(200);
        String traceId = first.jsonPath().getString("data.traceId");
        assertThat(traceId).isNotBlank();
        assertThat(first.header("X-Gateway-Idempotency")).isNull();

        Response again = given().contentType(ContentType.JSON).body(new JsonObject(new LinkedHashMap<>(order(orderId))).encode())
                .post("/v1/payments");
        again.then().statusCode(200).header("X-Gateway-Idempotency", "replay").header("X-Gateway-Attempts", "0")
                .header("X-MixPay-Code", "0");
        assertThat(again.asString()).isEqualTo(first.asString());

        assertThat(creationsOf(orderId, since)).hasSize(1);
        assertThat(metric("mixpay_gateway_idempotency_replays_total")).isPositive();
    }

    @Test
    void theSameOrderWithDifferentTermsIs422AndNothingIsForwarded() {
        String orderId = orderId();
        long since = System.currentTimeMillis();
        given().formParams(order(orderId)).post("/v1/payments").then().statusCode(200);

        Map<String, String> changed = order(orderId);
        changed.put("quoteAmount", "11");
        Response conflict = given().formParams(changed).post("/v1/payments");

        conflict.then().statusCode(422).header("X-Gateway-Error", "idempotency_conflict")
                .header("X-Gateway-Idempotency", "conflict");
        JsonObject envelope = new JsonObject(conflict.asString());
        assertThat(envelope.getInteger("code")).isEqualTo(1017);
        assertThat(envelope.getJsonArray("data")).isEmpty();
        assertThat(creationsOf(orderId, since)).hasSize(1);
        assertThat(metric("mixpay_gateway_idempotency_conflicts_total")).isPositive();
    }

    @Test
    void anIdempotencyKeyReplaysTheStoredReplyAndRefusesADifferentBody() {
        String key = "\"" + UUID.randomUUID() + "\"";
        long since = System.currentTimeMillis();

        Response first = multisig(key, "2").post("/v1/multisig");
        first.then().statusCode(200).header("X-MixPay-Code", "0");
        Response again = multisig(key, "2").post("/v1/multisig");
        again.then().statusCode(200).header("X-Gateway-Idempotency", "replay");
        assertThat(again.jsonPath().getString("data.multisigId")).isEqualTo(first.jsonPath().getString("data.multisigId"));

        multisig(key, "3").post("/v1/multisig").then().statusCode(422).header("X-Gateway-Error", "idempotency_conflict");

        assertThat(requestsTo("POST /v1/multisig", since)).isEqualTo(1);
    }

    @Test
    void twentyConcurrentRequestsWithOneKeyMakeOneUpstreamCall() throws Exception {
        String key = UUID.randomUUID().toString();
        long since = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> replies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            replies.add(pool.submit(() -> {
                start.await();
                // The delay keeps the first in flight while the others arrive; it is a header, not the request.
                return multisig(key, "1").header("X-Simulate-Delay-Ms", "700").post("/v1/multisig");
            }));
        }
        start.countDown();
        List<String> ids = new ArrayList<>();
        List<String> how = new ArrayList<>();
        for (Future<Response> reply : replies) {
            Response response = reply.get(20, TimeUnit.SECONDS);
            response.then().statusCode(200).header("X-MixPay-Code", "0");
            ids.add(response.jsonPath().getString("data.multisigId"));
            how.add(String.valueOf(response.header("X-Gateway-Idempotency")));
        }
        pool.shutdown();

        assertThat(ids).hasSize(20).containsOnly(ids.get(0));
        assertThat(requestsTo("POST /v1/multisig", since)).isEqualTo(1);
        assertThat(how).filteredOn(h -> h.equals("joined") || h.equals("replay")).hasSize(19);
        assertThat(metric("mixpay_gateway_idempotency_joins_total")).isPositive();
    }

    /** A multisig look-up (a POST that creates nothing) with three receivers, under an Idempotency-Key. */
    private static io.restassured.specification.RequestSpecification multisig(String key, String threshold) {
        return given().header("Idempotency-Key", key).formParam("threshold", threshold)
                .formParam("receivers[]", "a1b2c3d4-0000-4000-8000-000000000001")
                .formParam("receivers[]", "a1b2c3d4-0000-4000-8000-000000000002")
                .formParam("receivers[]", "a1b2c3d4-0000-4000-8000-000000000003");
    }

    @Test
    void aCreationResetAfterItWasMadeIsReconciledNotSentAgain() {
        String orderId = orderId();
        long since = System.currentTimeMillis();

        // The payments group retries a keyed creation; before the retry it asks MixPay, which knows the payment.
        Response reply = given().header("X-Simulate-Fault", "reset-after-creation").formParams(order(orderId)).post("/v1/payments");

        reply.then().statusCode(200).header("X-Gateway-Idempotency", "reconciled").header("X-Gateway-Attempts", "1");
        List<JsonObject> creations = creationsOf(orderId, since);
        assertThat(creations).hasSize(1);
        assertThat(reply.jsonPath().getString("data.traceId")).isEqualTo(creations.get(0).getString("traceId"));
        assertThat(reply.jsonPath().getString("data.orderId")).isEqualTo(orderId);
        assertThat(reply.jsonPath().getString("data.memo")).isNotBlank();

        given().formParams(order(orderId)).post("/v1/payments").then().statusCode(200).header("X-Gateway-Idempotency", "replay");
        assertThat(creationsOf(orderId, since)).hasSize(1);
        assertThat(metric("mixpay_gateway_idempotency_reconciliations_total{outcome=\"found\"}")).isPositive();
    }

    @Test
    void aOneTimePaymentResetAfterItWasMadeEndsWithItsCode() {
        String orderId = orderId();
        long since = System.currentTimeMillis();
        Map<String, String> link = Map.of("payeeId", PAYEE, "orderId", orderId, "settlementAssetId", BTC,
                "quoteAssetId", "usd", "quoteAmount", "10");

        Response reply = given().header("X-Simulate-Fault", "reset-after-creation").formParams(link).post("/v1/one_time_payment");

        reply.then().statusCode(200).header("X-Gateway-Idempotency", "reconciled");
        List<JsonObject> creations = creationsOf(orderId, since);
        assertThat(creations).hasSize(1);
        assertThat(reply.jsonPath().getString("data.code")).isEqualTo(creations.get(0).getString("traceId"));
    }

    @Test
    void aCreationThatNeverArrivedIsSentOnceMoreAfterMixPaySaysItHasNone() {
        String orderId = orderId();
        long since = System.currentTimeMillis();

        // Every attempt is reset before MixPay does anything: each retry asks first, hears "no such payment",
        // and sends once more; when the attempts run out the creation is still unknown.
        Response failed = given().header("X-Simulate-Fault", "reset").formParams(order(orderId)).post("/v1/payments");
        failed.then().statusCode(502).header("X-Gateway-Error", "upstream_reset").header("X-Gateway-Attempts", "3");
        assertThat(creationsOf(orderId, since)).isEmpty();
        assertThat(arrivalsOf(orderId, since)).isEqualTo(3);

        // The merchant resends: MixPay is asked, has no such payment, and the creation is sent once.
        Response resent = given().formParams(order(orderId)).post("/v1/payments");
        resent.then().statusCode(200);
        assertThat(creationsOf(orderId, since)).hasSize(1);
        assertThat(arrivalsOf(orderId, since)).isEqualTo(4);
        assertThat(resent.jsonPath().getString("data.traceId")).isEqualTo(creationsOf(orderId, since).get(0).getString("traceId"));

        given().formParams(order(orderId)).post("/v1/payments").then().statusCode(200).header("X-Gateway-Idempotency", "replay");
        assertThat(arrivalsOf(orderId, since)).isEqualTo(4);
        assertThat(metric("mixpay_gateway_idempotency_reconciliations_total{outcome=\"absent\"}")).isPositive();
    }

    @Test
    void aRefusedCreationFreesItsKey() {
        String orderId = orderId();
        long since = System.currentTimeMillis();
        Map<String, String> wrong = order(orderId);
        wrong.put("quoteAssetId", "no-such-asset");

        given().formParams(wrong).post("/v1/payments").then().header("X-MixPay-Code", "10003");
        // MixPay refused it outright: nothing exists, so the corrected order is a new request, not a conflict.
        given().formParams(order(orderId)).post("/v1/payments").then().statusCode(200).header("X-MixPay-Code", "0");
        assertThat(creationsOf(orderId, since)).hasSize(1);
    }

    @Test
    void aCreationWhoseFormCannotBeReadIsForwardedAsItCame() {
        // A broken percent-escape: no key can be read, so the gateway forwards it and MixPay answers.
        given().contentType("application/x-www-form-urlencoded").body("payeeId=%zz&orderId=" + orderId())
                .post("/v1/payments").then().header("X-Gateway-Attempts", "1")
                .header("X-Gateway-Idempotency", org.hamcrest.Matchers.nullValue());
    }

    /** Creations MixPay made for this order (the simulator's journal: first creations, not repeats). */
    static List<JsonObject> creationsOf(String orderId, long since) {
        return journal(since).stream().filter(r -> orderId.equals(r.getString("orderId")))
                .filter(r -> r.getString("traceId") != null && Boolean.FALSE.equals(r.getBoolean("repeat"))).toList();
    }

    static long arrivalsOf(String orderId, long since) {
        return journal(since).stream().filter(r -> orderId.equals(r.getString("orderId"))).count();
    }

    static long requestsTo(String endpoint, long since) {
        return journal(since).stream().filter(r -> endpoint.equals(r.getString("endpoint"))).count();
    }

    static List<JsonObject> journal(long since) {
        String body = given().get(SimulatorUpstream.controls() + "/_simulator/requests?since=" + since).asString();
        JsonArray requests = new JsonObject(body).getJsonArray("requests");
        List<JsonObject> list = new ArrayList<>();
        requests.forEach(r -> list.add((JsonObject) r));
        return list;
    }

    static double metric(String series) {
        String text = management().get("/q/metrics").asString();
        return text.lines().filter(l -> l.startsWith(series.contains("{") ? series.substring(0, series.indexOf('{')) : series))
                .filter(l -> !series.contains("{") || l.contains(series.substring(series.indexOf('{') + 1, series.length() - 1)))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
