package me.mixpay.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Nothing listens at the configured upstream: every call is refused at connect time. */
@QuarkusTest
@TestProfile(UnreachableUpstreamTest.NothingListening.class)
class UnreachableUpstreamTest {

    public static class NothingListening implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upstream.base-url", "http://127.0.0.1:" + freePort());
        }
    }

    @Test
    void connectionRefusedIs502UpstreamUnreachable() {
        given().get("/v1/setting/payment_assets").then().statusCode(502)
                .header("X-Gateway-Error", "upstream_unreachable")
                .body("code", equalTo(-1))
                .body("success", equalTo(false))
                .body("gateway.error", equalTo("upstream_unreachable"));
    }

    @Test
    void paymentRefusedAtConnectIsRetriedBecauseItNeverLeft() {
        // Nothing can have reached MixPay, so even a non-idempotent payment creation is tried again.
        given().body("{\"orderId\":\"o-9\"}").post("/v1/payments").then().statusCode(502)
                .header("X-Gateway-Route", "payments")
                .header("X-Gateway-Attempts", "3")
                .body("gateway.error", equalTo("upstream_unreachable"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
