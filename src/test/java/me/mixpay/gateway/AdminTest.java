package me.mixpay.gateway;

import static me.mixpay.gateway.support.Management.management;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import me.mixpay.gateway.support.MixPayReplies;

@QuarkusTest
class AdminTest extends GatewayTestBase {

    @Test
    void listsEveryGroupWithPolicyAndBreakerState() {
        management().get("/admin/routes").then().statusCode(200)
                .body("name", hasItems("settings", "estimates", "payment-results", "users", "multisig", "payments", "default"))
                .body("find { it.name == 'payments' }.idempotent", equalTo(false))
                .body("find { it.name == 'settings' }.idempotent", equalTo(true))
                .body("find { it.name == 'payments' }.breaker", equalTo("closed"))
                .body("find { it.name == 'payments' }.policy.retry.maxAttempts", equalTo(3));
    }

    @Test
    void forcingNeedsTheToken() {
        management().post("/admin/routes/t-admin/circuit/open").then().statusCode(401).body("code", equalTo(2000));
        management().header("X-Admin-Token", "wrong").post("/admin/routes/t-admin/circuit/open").then().statusCode(401);
        management().header("X-Admin-Token", "test-admin-token").post("/admin/routes/nope/circuit/open").then().statusCode(404);
    }

    @Test
    void operatorCanForceABreakerOpenAndClosed() {
        String path = "/v1/test/admin/x";
        upstream.stubFor(get(path).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(MixPayReplies.success("{}"))));

        management().header("X-Admin-Token", "test-admin-token").post("/admin/routes/t-admin/circuit/open")
                .then().statusCode(200).body("breaker", equalTo("open")).body("forcedOpen", equalTo(true));
        given().get(path).then().statusCode(503).header("X-Gateway-Circuit", "open").body("gateway.error", equalTo("circuit_open"));
        upstream.verify(0, getRequestedFor(urlEqualTo(path)));

        management().header("X-Admin-Token", "test-admin-token").post("/admin/routes/t-admin/circuit/close")
                .then().statusCode(200).body("breaker", equalTo("closed"));
        given().get(path).then().statusCode(200);
        upstream.verify(1, getRequestedFor(urlEqualTo(path)));
    }
}
