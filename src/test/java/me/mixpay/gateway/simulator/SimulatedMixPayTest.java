package me.mixpay.gateway.simulator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** The simulator on its own, as later tests run it in front of several gateways: no Quarkus, no CDI. */
class SimulatedMixPayTest {

    private static final String BTC = CreationForm.BTC;
    private static final String PAYEE = CreationForm.PAYEE;

    private MixPaySimulator simulator;
    private String base;

    private void start(UnaryOperator<SimulatorSettings> settings) {
        simulator = new MixPaySimulator(settings.apply(SimulatorSettings.defaults().withRateLimit(1000, Duration.ofMinutes(1))));
        base = "http://127.0.0.1:" + simulator.start(0);
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.stop();
        }
    }

    @Test
    void mixpaysRateLimitIsAFixedWindowPerCaller() throws InterruptedException {
        start(s -> s.withRateLimit(3, Duration.ofMillis(1500)));
        for (int remaining = 2; remaining >= 0; remaining--) {
            given().get(base + "/v1/setting/quote_assets").then().statusCode(200)
                    .header("x-ratelimit-limit", "3").header("x-ratelimit-remaining", Integer.toString(remaining));
        }
        given().get(base + "/v1/payments_result?traceId=x").then().statusCode(429).body("code", equalTo(1429))
                .body("message", equalTo("Your request frequency is too high, please try again later."))
                .body("data", hasSize(0)).header("x-ratelimit-remaining", "0");
        Thread.sleep(1600);
        given().get(base + "/v1/setting/quote_assets").then().statusCode(200).header("x-ratelimit-remaining", "2");
        JsonPath seen = requests();
        assertThat(seen.getInt("counts.requests")).isEqualTo(5);
        assertThat(seen.getInt("counts.rateLimited")).isEqualTo(1);
    }

    @Test
    void aLimitOfZeroTurnsTheRateLimitOff() {
        start(s -> s.withRateLimit(0, Duration.ofSeconds(60)));
        for (int i = 0; i < 70; i++) {
            given().get(base + "/v1/setting/quote_assets").then().statusCode(200).header("x-ratelimit-limit", nullValue());
        }
    }

    @Test
    void thePayeeAndOrderIdentifyAPayment() {
        start(UnaryOperator.identity());
        String orderId = order();
        String first = create(orderId).path("data.traceId");
        String again = create(orderId).path("data.traceId");
        String code = given().contentType("application/json").body(Map.of("payeeId", PAYEE, "orderId", orderId,
                "settlementAssetId", BTC, "quoteAssetId", "usd", "quoteAmount", "10"))
                .post(base + "/v1/one_time_payment").then().statusCode(200).extract().path("data.code");
        assertThat(again).isEqualTo(first);
        assertThat(code).isEqualTo(first);
        // Another payee's order of the same id is another payment.
        assertThat(given().contentType("application/x-www-form-urlencoded")
                .formParams(with(creation(orderId), "payeeId", UUID.randomUUID().toString()))
                .post(base + "/v1/payments").<String>path("data.traceId")).isNotEqualTo(first);

        JsonPath seen = requests();
        assertThat(seen.getInt("counts.creations")).isEqualTo(4);
        assertThat(seen.getInt("counts.repeatedCreations")).isEqualTo(2);
        assertThat(seen.getList("requests.orderId")).containsOnly(orderId);
        assertThat(seen.getList("requests.repeat")).containsExactly(false, true, true, false);
        assertThat(seen.getLong("requests[0].timeMs")).isPositive();
    }

    @Test
    void aPaymentNeverCreatedIsNeverPaid() {
        start(UnaryOperator.identity());
        given().get(base + "/v1/payments_result?traceId=" + UUID.randomUUID()).then().statusCode(200)
                .body("code", equalTo(40022)).body("success", equalTo(false)).body("message", equalTo("TraceId does not exist."));
        given().get(base + "/v1/payments_result?orderId=never_made&payeeId=" + PAYEE).then().body("code", equalTo(40022));
        given().get(base + "/v1/payments_info?traceId=" + UUID.randomUUID()).then().body("code", equalTo(40022));
        given().post(base + "/_simulator/payments/" + UUID.randomUUID() + "/pay").then().statusCode(404);
    }

    @Test
    void controlsPayOrFailAPaymentOnce() {
        start(UnaryOperator.identity());
        String paid = create(order()).path("data.traceId");
        String failed = create(order()).path("data.traceId");
        given().post(base + "/_simulator/payments/" + paid + "/pay").then().statusCode(200).body("status", equalTo("success"));
        given().post(base + "/_simulator/payments/" + paid + "/pay").then().statusCode(200);
        given().post(base + "/_simulator/payments/" + failed + "/fail?failureCode=40024").then().statusCode(200);
        given().post(base + "/_simulator/payments/" + failed + "/pay").then().statusCode(409).body("status", equalTo("failed"));
        given().get(base + "/v1/payments_result?traceId=" + failed).then().body("data.status", equalTo("failed"))
                .body("data.failureCode", equalTo("40024")).body("data.failureReason", equalTo("Wrong Amount paid"));
        given().get(base + "/_simulator/payments/" + paid).then().body("status", equalTo("success"));

        given().post(base + "/_simulator/reset").then().statusCode(200);
        given().get(base + "/v1/payments_result?traceId=" + paid).then().body("code", equalTo(40022));
        assertThat(requests().getInt("counts.requests")).isEqualTo(1);
    }

    @Test
    void maintenanceAnswersEveryRequestWithItsCodeUntilItEnds() {
        start(UnaryOperator.identity());
        // Long enough for the two requests below on a loaded machine (two test JVMs share its cores).
        given().post(base + "/_simulator/maintenance?for=4s&code=10008").then().statusCode(200)
                .body("maintenance", equalTo(true)).body("code", equalTo(10008));
        given().get(base + "/v1/setting/payment_assets").then().statusCode(200).body("code", equalTo(10008))
                .body("success", equalTo(false)).body("data", hasSize(0));
        given().contentType("application/x-www-form-urlencoded").formParams(creation(order()))
                .post(base + "/v1/payments").then().body("code", equalTo(10008));
        assertThat(requests().getInt("counts.creations")).isZero();
        await().atMost(Duration.ofSeconds(6)).until(
                () -> given().get(base + "/v1/setting/payment_assets").<Integer>path("code") == 0);
        given().get(base + "/_simulator/maintenance").then().body("maintenance", equalTo(false));

        given().post(base + "/_simulator/maintenance?for=1m").then().statusCode(200).body("code", equalTo(40011));
        given().get(base + "/v1/setting/quote_assets").then().body("code", equalTo(40011))
                .body("message", equalTo("The system is temporarily out of service."));
        given().delete(base + "/_simulator/maintenance").then().statusCode(200).body("maintenance", equalTo(false));
        given().get(base + "/v1/setting/quote_assets").then().body("code", equalTo(0));
        given().post(base + "/_simulator/maintenance?for=1m").then().statusCode(200);
        given().post(base + "/_simulator/reset").then().statusCode(200);
        given().get(base + "/v1/setting/quote_assets").then().body("code", equalTo(0));

        given().post(base + "/_simulator/maintenance?for=1m&code=1429").then().statusCode(400);
        given().post(base + "/_simulator/maintenance?for=soon").then().statusCode(400);
        given().post(base + "/_simulator/maintenance").then().statusCode(400);
    }

    @Test
    void payAfterSettlesEachPaymentWithinItsRange() {
        start(s -> s.withPayAfter(PayAfter.parse("50ms-200ms"), PaymentStatus.FAILED));
        String traceId = create(order()).path("data.traceId");
        await().atMost(Duration.ofSeconds(3)).until(
                () -> "failed".equals(given().get(base + "/v1/payments_result?traceId=" + traceId).path("data.status")));
        given().get(base + "/v1/payments_result?traceId=" + traceId).then().body("data.failureReason", equalTo("Payment overtime"));
        assertThat(PayAfter.parse("5s")).isEqualTo(new PayAfter(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertThat(PayAfter.parse("5s-30s").draw()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Test
    void creationDelayHoldsTheReplyNotThePayment() {
        start(s -> s.withCreationDelay(Duration.ofMillis(1500)));
        String orderId = order();
        long started = System.nanoTime();
        Thread creating = new Thread(() -> create(orderId));
        creating.start();
        // MixPay has the payment while its reply is still on the way.
        await().atMost(Duration.ofSeconds(1)).until(() -> simulator.payments().byOrder(PAYEE, orderId).isPresent());
        await().atMost(Duration.ofSeconds(5)).until(() -> !creating.isAlive());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        long quick = System.nanoTime();
        given().get(base + "/v1/setting/quote_assets").then().statusCode(200);
        assertThat(Duration.ofNanos(System.nanoTime() - quick)).isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void thePagesParameterRulesAreMixPaysParameterError() throws Exception {
        start(UnaryOperator.identity());
        Map<String, UnaryOperator<Map<String, String>>> broken = new LinkedHashMap<>();
        broken.put("orderId of 5", f -> with(f, "orderId", "abcde"));
        broken.put("orderId of 37", f -> with(f, "orderId", "a".repeat(37)));
        broken.put("orderId with a space", f -> with(f, "orderId", "order 12345"));
        broken.put("no payeeId", f -> with(f, "payeeId", null));
        broken.put("neither orderId nor traceId", f -> with(f, "orderId", null));
        broken.put("traceId not a UUID", f -> with(with(f, "orderId", null), "traceId", "not-a-uuid"));
        broken.put("quoteAmount not a number", f -> with(f, "quoteAmount", "ten"));
        broken.put("remark over 50", f -> with(f, "remark", "r".repeat(51)));
        broken.put("callbackUrl not https", f -> with(f, "callbackUrl", "http://shop.example/cb"));
        broken.forEach((why, change) -> assertThat(given().contentType("application/x-www-form-urlencoded")
                .formParams(change.apply(creation(order()))).post(base + "/v1/payments").then().statusCode(200)
                .body("data", hasSize(0)).extract().<Integer>path("code")).as(why).isEqualTo(1017));
        // 6 and 36 characters of letters, digits, '-' and '_' are fine; so is a JSON body.
        create("a-b_c6").then().body("code", equalTo(0));
        given().contentType("application/json").body(with(creation("x".repeat(36)), "isChain", "true"))
                .post(base + "/v1/payments").then().body("code", equalTo(0)).body("data.isChain", equalTo(true));
        // POST parameters live in the body, GET parameters in the query string.
        given().queryParams(creation(order())).post(base + "/v1/payments").then().body("code", equalTo(1017));
        assertThat(getWithFormBody("/v1/payments_info", "traceId=" + UUID.randomUUID())).contains("\"code\":1017");
        given().get(base + "/v1/payments_result?orderId=" + order()).then().body("code", equalTo(1017));
        given().get(base + "/v1/setting/payment_assets?quoteAmount=10").then().body("code", equalTo(1017));
        given().get(base + "/v1/user/mixin_uuid/not-a-number").then().body("code", equalTo(10001));
        given().get(base + "/v1/payments_estimated?paymentAssetId=nope&settlementAssetId=" + BTC
                + "&quoteAssetId=usd&quoteAmount=1").then().body("code", equalTo(10002));
        List<String> three = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        given().contentType("application/json").body(Map.of("receivers", three, "threshold", 4))
                .post(base + "/v1/multisig").then().body("code", equalTo(10041));
        given().contentType("application/json").body(Map.of("receivers", three.subList(0, 2), "threshold", 1))
                .post(base + "/v1/multisig").then().body("code", equalTo(1017));
        given().get(base + "/v1/nowhere").then().statusCode(404).body("code", equalTo(404))
                .body("message", equalTo("The payment link you visited does not exist."));
    }

    @Test
    void theStandaloneConfigurationReadsTheGatewaysKeys() {
        System.setProperty("gateway.simulator.rate-limit.limit", "7");
        System.setProperty("gateway.simulator.pay-after", "1s-2s");
        try {
            SimulatorSettings settings = SimulatorSettings.from(MixPaySimulator.standaloneConfiguration());
            assertThat(settings.rateLimit()).isEqualTo(7);
            assertThat(settings.rateLimitWindow()).isEqualTo(Duration.ofSeconds(60));
            assertThat(settings.payAfter()).contains(new PayAfter(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        } finally {
            System.clearProperty("gateway.simulator.rate-limit.limit");
            System.clearProperty("gateway.simulator.pay-after");
        }
    }

    private Response create(String orderId) {
        return given().contentType("application/x-www-form-urlencoded").formParams(creation(orderId)).post(base + "/v1/payments");
    }

    /** REST Assured moves a GET's form into the query string; the JDK client sends what it is told. */
    private String getWithFormBody(String path, String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method("GET", HttpRequest.BodyPublishers.ofString(form)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonPath requests() {
        return given().get(base + "/_simulator/requests").then().statusCode(200).extract().jsonPath();
    }

    private static String order() {
        return "ord_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, String> creation(String orderId) {
        return CreationForm.of(orderId, CreationForm.BTC);
    }

    private static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(form);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return changed;
    }
}
