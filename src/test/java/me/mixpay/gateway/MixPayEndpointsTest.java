package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import me.mixpay.gateway.support.MixPayReplies;

/**
 * Every endpoint MixPay documents ({@code ../shared/mixpay/api}), in the route group chosen for what it
 * does. The table is written from the docs' pages, not from the configuration: a shipped pattern that
 * misses an endpoint, or puts it in a group of the wrong idempotency, fails here.
 */
@QuarkusTest
class MixPayEndpointsTest extends GatewayTestBase {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET  | /v1/setting/payment_assets                      | settings        | true
            GET  | /v1/setting/settlement_assets                   | settings        | true
            GET  | /v1/setting/quote_assets                        | settings        | true
            GET  | /v1/setting/assets                              | settings        | true
            GET  | /v1/payments_estimated                          | estimates       | true
            GET  | /v1/payments_result                             | payment-results | true
            GET  | /v1/payments_info                               | payment-results | true
            GET  | /v1/user/mixin_uuid/40053095                    | users           | true
            POST | /v1/multisig                                    | multisig        | true
            POST | /v1/payments                                    | payments        | false
            POST | /v1/one_time_payment                            | payments        | false
            POST | /v1/payments/refresh                            | payments        | false
            """)
    void documentedEndpointIsInItsGroup(String method, String path, String group, boolean idempotent) {
        upstream.stubFor(any(urlPathEqualTo(path)).willReturn(MixPayReplies.json(MixPayReplies.error(-1, "Server error, please try again later."))));

        Response reply = given().contentType("application/x-www-form-urlencoded").formParam("probe", "1")
                .request(method, path);

        reply.then().header("X-Gateway-Route", group);
        management().get("/admin/routes").then().statusCode(200)
                .body("find { it.name == '" + group + "' }.idempotent", equalTo(idempotent));
        // What idempotency means on the wire: MixPay's -1 is retried only where resending is harmless.
        int sent = idempotent ? 3 : 1;
        reply.then().header("X-Gateway-Attempts", Integer.toString(sent));
        upstream.verify(sent, anyRequestedFor(urlPathEqualTo(path)));
    }

    @ParameterizedTest(name = "{0} {1} -> default")
    @CsvSource(delimiter = '|', textBlock = """
            GET  | /v1/payments/abc
            POST | /v1/withdrawals
            GET  | /v1/one_time_payment
            GET  | /v1/settings
            POST | /v1/setting/payment_assets
            """)
    void undocumentedCallsFallToTheUnsafeDefault(String method, String path) {
        upstream.stubFor(any(urlPathEqualTo(path)).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));

        given().request(method, path).then().statusCode(200).header("X-Gateway-Route", "default");
    }

    @Test
    void noGroupIsShippedForEndpointsMixPayDoesNotDocument() {
        List<String> names = management().get("/admin/routes").then().statusCode(200).extract().path("name");

        assertThat(names.stream().filter(name -> !name.startsWith("t-")))
                .containsExactlyInAnyOrder("settings", "estimates", "payment-results", "users", "multisig", "payments", "default");
    }

    @Test
    void aSubtreePatternAlsoMatchesItsRoot() {
        upstream.stubFor(any(urlPathEqualTo("/v1/user/mixin_uuid")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));

        given().get("/v1/user/mixin_uuid").then().header("X-Gateway-Route", "users");
    }
}
