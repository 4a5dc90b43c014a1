package me.mixpay.gateway.callback;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * With {@code gateway.callbacks.public-url} unset (the default, and this profile's) nothing of the callbacks
 * is there: a creation reaches MixPay with the merchant's own callback URL, byte for byte as before, and
 * the gateway has no callback path for anyone to post to.
 */
@QuarkusTest
@TestProfile(SimulatorUpstream.class)
class CallbacksOffTest {

    @Test
    void aCreationKeepsTheMerchantsCallbackUrlAndNoCallbackPathIsOpen() {
        String orderId = CallbackTest.orderId();
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", "https://merchant.example/mixpay/callback?order=" + orderId);
        order.put("callbackEvent", "success");
        Response created = given().formParams(order).post("/v1/one_time_payment");
        created.then().statusCode(200);

        io.vertx.core.json.JsonObject atMixPay = CallbackTest.payment(created.jsonPath().getString("data.code"));
        assertThat(atMixPay.getString("callbackUrl")).isEqualTo("https://merchant.example/mixpay/callback?order=" + orderId);

        given().contentType(ContentType.JSON).body("{\"orderId\":\"" + orderId + "\",\"payeeId\":\"" + CreationForm.PAYEE + "\"}")
                .post("/callbacks/mixpay/ref/token").then().statusCode(404);
        assertThat(CallbackTest.metric("mixpay_gateway_callbacks_received_total")).as("callbacks received").isZero();
        assertThat(management().get("/status").asString()).contains("id=\"callbacks\" data-enabled=\"false\"");
    }
}
