package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.Management.management;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import me.mixpay.gateway.support.HeadlessChromium;
import me.mixpay.gateway.support.Management;
import me.mixpay.gateway.support.MixPayReplies;

/** The on-call page, rendered by a real browser after real traffic has opened a breaker. */
@QuarkusTest
class StatusPageTest extends GatewayTestBase {

    @Test
    void browserShowsTheOpenBreakerWithTrafficErrorsAndCatalogMessages() throws Exception {
        String base = "/v1/test/status/";
        upstream.stubFor(get(base + "ok").willReturn(json(MixPayReplies.success("{}"))));
        upstream.stubFor(get(base + "maint").willReturn(json(MixPayReplies.error(10008, "Payments are suspended"))));
        for (int i = 0; i < 3; i++) {
            given().get(base + "ok").then().statusCode(200);
        }
        given().get(base + "maint").then().statusCode(200).header("X-MixPay-Code", "10008");
        given().get(base + "ok").then().statusCode(503).header("X-Gateway-Circuit", "open");
        upstream.verify(3, getRequestedFor(urlEqualTo(base + "ok")));

        String dom = HeadlessChromium.dumpDom("http://localhost:" + Management.port() + "/status",
                Path.of("target", "status-page.png"));

        // The budget comes first: calls used of the limit, where the count lives, who waits.
        assertThat(dom.indexOf("id=\"budget\"")).isPositive().isLessThan(dom.indexOf("id=\"routes\""));
        assertThat(dom).containsPattern("data-used=\"\\d+\" data-limit=\"1000000\" data-store=\"embedded\"")
                .contains("data-class=\"critical\"").contains("data-class=\"low\"");

        String row = row(dom, "t-status");
        assertThat(row).contains("data-breaker=\"open\"").contains("class=\"breaker open\"");
        assertThat(row).containsPattern("for \\d+s");
        assertThat(row).contains("data-kind=\"maintenance\"").contains("maintenance 20.0%")
                .contains("data-kind=\"circuit_open\"").contains("circuit_open 20.0%");
        // 5 requests in the last minute: 0.08 per second.
        assertThat(row).contains(">0.08<");
        // Top codes with the catalog's own text, not MixPay's reply text.
        assertThat(row).contains("data-code=\"0\"").contains("<b>0</b> ×3")
                .contains("data-code=\"10008\"").contains(catalogMessage(10008));
        // Every shipped group is listed too, whatever other tests did to it.
        for (String group : new String[] { "settings", "estimates", "payment-results", "users", "multisig", "payments", "default" }) {
            assertThat(row(dom, group)).containsPattern("data-breaker=\"(closed|open|half_open)\"");
        }
    }

    @Test
    void statusAndAdminLiveOnlyOnTheManagementPort() {
        given().get("/status").then().statusCode(404);
        given().get("/admin/routes").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        management().get("/status").then().statusCode(200).contentType("text/html")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    }

    private static String catalogMessage(int code) {
        return me.mixpay.gateway.catalog.ErrorCatalog.mixpay().message(code);
    }

    private static String row(String dom, String route) {
        Matcher m = Pattern.compile("<tr data-route=\"" + Pattern.quote(route) + "\".*?</tr>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("a row for %s in the rendered page", route).isTrue();
        return m.group();
    }
}
