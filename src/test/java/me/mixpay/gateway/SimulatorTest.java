package me.mixpay.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import me.mixpay.gateway.support.SimulatorUpstream;

/** The gateway in front of its built-in simulator, as `./mvnw quarkus:dev` runs it. */
@QuarkusTest
@TestProfile(SimulatorUpstream.class)
class SimulatorTest {

    private static final String BTC = "c6d0c728-2624-429b-8e0d-d9d19b6592fa";
    private static final String PAYEE = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";

    @Test
    void paymentAssetsAreListed() {
        given().get("/v1/setting/payment_assets").then().statusCode(200)
                .header("X-MixPay-Category", "success")
                .header("x-ratelimit-limit", "100000")
                .body("code", equalTo(0)).body("data", hasSize(5)).body("data[0].network", equalTo("Bitcoin"));
    }

    @Test
    void aPaymentIsCreatedPaidAndItsResultRead() {
        String orderId = "order-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = given().contentType("application/x-www-form-urlencoded")
                .formParam("payeeId", PAYEE).formParam("orderId", orderId).formParam("paymentAssetId", BTC)
                .formParam("settlementAssetId", BTC).formParam("quoteAssetId", "usd").formParam("quoteAmount", "100")
                .post("/v1/payments").then().statusCode(200)
                .body("data.orderId", equalTo(orderId)).body("data.traceId", notNullValue())
                .extract().path("data.traceId");

        given().queryParam("orderId", orderId).queryParam("payeeId", PAYEE).get("/v1/payments_result").then()
                .statusCode(200).body("data.traceId", equalTo(traceId)).body("data.status", equalTo("unpaid"));
        given().post(SimulatorUpstream.controls() + "/_simulator/payments/" + traceId + "/pay").then().statusCode(200);
        given().queryParam("traceId", traceId).get("/v1/payments_result").then().statusCode(200)
                .body("data.status", equalTo("success")).body("data.payeeId", equalTo(PAYEE))
                .body("data.quoteAmount", equalTo("100")).body("data.quoteAssetId", equalTo("usd"));
    }

    @Test
    void aBrokenParameterRuleIsMixPaysParameterError() {
        given().queryParam("paymentAssetId", BTC).get("/v1/payments_estimated").then().statusCode(200)
                .header("X-MixPay-Code", "1017").body("message", equalTo("Parameter error.")).body("data", hasSize(0));
    }

    @Test
    void anyCatalogCodeCanBeAskedFor() {
        given().header("X-Simulate-Code", "10010").get("/v1/setting/quote_assets").then().statusCode(200)
                .header("X-MixPay-Code", "10010").header("X-MixPay-Category", "business")
                .body("message", equalTo("Insufficient balance of assets."));
    }

    @Test
    void faultsAreMadeReal() {
        given().header("X-Simulate-Fault", "reset").get("/v1/setting/quote_assets").then().statusCode(502)
                .body("gateway.error", equalTo("upstream_reset"));
        given().header("X-Simulate-Fault", "garbage").get("/v1/setting/quote_assets").then().statusCode(200)
                .header("X-MixPay-Category", "unparseable");
        given().header("X-Simulate-Fault", "truncate").get("/v1/setting/quote_assets").then().statusCode(502);
        given().header("X-Simulate-Fault", "empty").get("/v1/setting/quote_assets").then().statusCode(200)
                .header("X-MixPay-Category", "unparseable");
    }

    @Test
    void gzipIsServedWhenAskedAndStillInspected() {
        given().header("Accept-Encoding", "gzip").header("X-Simulate-Code", "-1").get("/v1/setting/quote_assets")
                .then().statusCode(200).header("Content-Encoding", "gzip").header("X-MixPay-Category", "transient");
    }

    @Test
    void unknownEndpointIs404InMixPaysShape() {
        given().get("/v1/no_such_endpoint").then().statusCode(404).body("code", equalTo(404));
    }
}
