package me.mixpay.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The gateway in front of its built-in simulator, as `./mvnw quarkus:dev` runs it. */
@QuarkusTest
@TestProfile(SimulatorTest.OnSimulator.class)
class SimulatorTest {

    public static class OnSimulator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.simulator.enabled", "true",
                    "gateway.simulator.port", "18089",
                    "gateway.upstream.base-url", "http://127.0.0.1:18089");
        }
    }

    @Test
    void paymentAssetsAreListed() {
        given().get("/v1/setting/payment_assets").then().statusCode(200)
                .header("X-MixPay-Category", "success")
                .body("code", equalTo(0)).body("data", hasSize(3));
    }

    @Test
    void aPaymentIsCreatedAndItsResultRead() {
        String traceId = given().contentType("application/x-www-form-urlencoded")
                .formParam("orderId", "order-1").formParam("quoteAmount", "100")
                .post("/v1/payments").then().statusCode(200)
                .body("data.orderId", equalTo("order-1")).body("data.traceId", notNullValue())
                .extract().path("data.traceId");

        given().queryParam("traceId", traceId).get("/v1/payments_result").then().statusCode(200)
                .body("data.traceId", equalTo(traceId)).body("data.status", equalTo("success"));
        given().queryParam("paymentAssetId", "a").queryParam("settlementAssetId", "b").queryParam("quoteAmount", "1")
                .get("/v1/payments_estimated").then().statusCode(200).body("data.quoteAmount", equalTo("1"));
        given().get("/v1/setting/settlement_assets").then().statusCode(200).body("code", equalTo(0));
    }

    @Test
    void anyCatalogCodeCanBeAskedFor() {
        given().header("X-Simulate-Code", "10010").get("/v1/payments_estimated").then().statusCode(200)
                .header("X-MixPay-Code", "10010").header("X-MixPay-Category", "business")
                .body("message", equalTo("Insufficient balance of assets."));
    }

    @Test
    void faultsAreMadeReal() {
        given().header("X-Simulate-Fault", "reset").get("/v1/payments_estimated").then().statusCode(502)
                .body("gateway.error", equalTo("upstream_reset"));
        given().header("X-Simulate-Fault", "garbage").get("/v1/payments_estimated").then().statusCode(200)
                .header("X-MixPay-Category", "unparseable");
        given().header("X-Simulate-Fault", "truncate").get("/v1/payments_estimated").then().statusCode(502);
        given().header("X-Simulate-Fault", "empty").get("/v1/payments_estimated").then().statusCode(200)
                .header("X-MixPay-Category", "unparseable");
    }

    @Test
    void gzipIsServedWhenAskedAndStillInspected() {
        given().header("Accept-Encoding", "gzip").header("X-Simulate-Code", "-1").get("/v1/payments_estimated")
                .then().statusCode(200).header("Content-Encoding", "gzip").header("X-MixPay-Category", "transient");
    }

    @Test
    void unknownEndpointIs404InMixPaysShape() {
        given().get("/v1/no_such_endpoint").then().statusCode(404).body("code", equalTo(404));
    }
}
