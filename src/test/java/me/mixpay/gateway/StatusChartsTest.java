package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import me.mixpay.gateway.support.HeadlessChromium;
import me.mixpay.gateway.support.Management;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * The status page's charts, drawn by a real browser after a burst of look-ups fills a small budget:
 * the budget chart holds the burst's calls, the window's count at the limit and the refusals it caused.
 * The screenshot goes to target/status-charts.png; docs/img/status-page.png, which docs/observability.md
 * shows, is a copy of it taken when the page changes (a test run leaves the tracked tree as it was).
 */
@QuarkusTest
@TestProfile(StatusChartsTest.SmallBudgetFastSamples.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class StatusChartsTest extends GatewayTestBase {

    static final int LIMIT = 6;

    public static class SmallBudgetFastSamples implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("gateway.budget.limit", Integer.toString(LIMIT));
            config.put("gateway.budget.window", "10s");
            config.put("gateway.budget.critical-reserve", "0");
            config.put("gateway.budget.normal-reserve", "0");
            config.put("gateway.status.sample-interval", "500ms");
            config.put("gateway.status.history", "1m");
            // A look-up that finds no room is refused within a second instead of waiting out the window.
            config.put("gateway.routes.t-status.timeout.overall", "1500ms");
            return config;
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aBurstThatFillsTheBudgetIsInTheBudgetChart() throws Exception {
        upstream.stubFor(get("/v1/test/status/burst").willReturn(json(MixPayReplies.success("{}"))));
        List<CompletableFuture<Integer>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < LIMIT + 4; i++) {
            burst.add(CompletableFuture.supplyAsync(() -> given().get("/v1/test/status/burst").statusCode()));
        }
        List<Integer> statuses = burst.stream().map(CompletableFuture::join).toList();
        assertThat(statuses).containsOnly(200, 429).filteredOn(s -> s == 200).hasSize(LIMIT);
        Thread.sleep(1500); // three samples

        Path screenshot = Path.of("target", "status-charts.png");
        Files.createDirectories(screenshot.getParent());
        String dom = HeadlessChromium.dumpDom("http://localhost:" + Management.port() + "/status", screenshot);

        Matcher chart = Pattern.compile("<svg id=\"budget-chart\"[^>]*>").matcher(dom);
        assertThat(chart.find()).as("the budget chart").isTrue();
        String svg = chart.group();
        assertThat(attribute(svg, "data-limit")).isEqualTo(LIMIT);
        assertThat(attribute(svg, "data-peak-used")).as("the window's count at its highest").isEqualTo(LIMIT);
        // The bars are the window's calls as of each sample: at their highest the burst fills the window.
        assertThat(attribute(svg, "data-peak-calls")).as("the window's calls by class, stacked, at their highest").isEqualTo(LIMIT);
        assertThat(attribute(svg, "data-refusals")).as("the look-ups refused").isEqualTo(4);
        // The burst's bars (in one sample, or two when it straddled one), in the normal class (t-status is a
        // test group of the default class), and a refusal mark.
        String body = dom.substring(chart.start(), dom.indexOf("</svg>", chart.start()));
        Matcher bars = Pattern.compile("class=\"calls\" data-class=\"normal\" data-scope=\"replica\" data-calls=\"\\d+\" data-sample-calls=\"(\\d+)\"")
                .matcher(body);
        long drawn = 0;
        while (bars.find()) {
            drawn += Long.parseLong(bars.group(1));
        }
        assertThat(drawn).as("the burst's calls, sample by sample").isEqualTo(LIMIT);
        assertThat(body).contains("class=\"refusal\"").contains("class=\"limit\"").contains("class=\"used\"");
        assertThat(dom).contains("id=\"cache-chart\"").contains("id=\"poll-chart\"");
        // Each chart has its key, in the page's own text: a class per colour of the stack.
        String key = dom.substring(dom.indexOf("<p class=\"legend\">", chart.start()));
        key = key.substring(0, key.indexOf("</p>"));
        assertThat(key).contains("critical", "verification", "normal", "low", "limit", "refused", "1429", "breaker opened");
        assertThat(dom).as("the poll chart draws the answers' age beside the interval").contains("class=\"answer-age\"");
        // Charts come after the budget's figures and before the route table.
        assertThat(dom.indexOf("id=\"history\"")).isGreaterThan(dom.indexOf("id=\"budget\"")).isLessThan(dom.indexOf("id=\"routes\""));
        assertThat(Files.size(screenshot)).isPositive();

        // Readable on a laptop and on a phone: nothing wider than the window, so nothing scrolls sideways.
        String page = "http://localhost:" + Management.port() + "/status";
        assertThat(HeadlessChromium.overflowAt(page, 1280, 900, Path.of("target", "status-charts-1280.png"))).as("px past 1280").isLessThanOrEqualTo(0);
        assertThat(HeadlessChromium.overflowAt(page, 390, 844, Path.of("target", "status-charts-phone.png"))).as("px past a 390 px phone").isLessThanOrEqualTo(0);
    }

    /** After the burst: MixPay's 1429 stops every call for a window. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aBreakerOpeningAndMixPays1429AreMarkedOnTheBudgetChart() throws Exception {
        upstream.stubFor(get("/v1/test/status/maintenance").willReturn(json(MixPayReplies.error(10008, "Payments are suspended"))));
        upstream.stubFor(get("/v1/test/marks/limited").willReturn(json(MixPayReplies.error(1429, "Too many requests"))));
        // Calls of their own: whatever the test before spent of the window has left it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> Management.metric("mixpay_gateway_budget_used") <= LIMIT - 2);
        given().get("/v1/test/status/maintenance").then().statusCode(200).header("X-MixPay-Code", "10008");
        given().get("/v1/test/marks/limited").then().statusCode(429);
        Thread.sleep(1500); // three samples

        String dom = HeadlessChromium.dumpDom("http://localhost:" + Management.port() + "/status", Path.of("target", "status-marks.png"));
        Matcher chart = Pattern.compile("<svg id=\"budget-chart\"[^>]*>").matcher(dom);
        assertThat(chart.find()).as("the budget chart").isTrue();
        assertThat(attribute(chart.group(), "data-openings")).as("breaker openings").isPositive();
        assertThat(attribute(chart.group(), "data-rate-limited")).as("1429s from MixPay").isPositive();
        String body = dom.substring(chart.start(), dom.indexOf("</svg>", chart.start()));
        assertThat(body).contains("class=\"opening\"").contains("class=\"rate-limited\"");
    }

    /** An operator's forced opening is no transition of the breaker's own, and is marked all the same. */
    @Test
    @org.junit.jupiter.api.Order(3)
    void aBreakerForcedOpenIsMarkedOnTheBudgetChart() throws Exception {
        String before = HeadlessChromium.dumpDom("http://localhost:" + Management.port() + "/status", Path.of("target", "status-forced-before.png"));
        Matcher chart = Pattern.compile("<svg id=\"budget-chart\"[^>]*>").matcher(before);
        assertThat(chart.find()).isTrue();
        long openingsBefore = attribute(chart.group(), "data-openings");
        Management.management().header("X-Admin-Token", "test-admin-token").post("/admin/routes/settings/circuit/open").then().statusCode(200);
        try {
            Thread.sleep(1500); // three samples
            String dom = HeadlessChromium.dumpDom("http://localhost:" + Management.port() + "/status", Path.of("target", "status-forced.png"));
            Matcher after = Pattern.compile("<svg id=\"budget-chart\"[^>]*>").matcher(dom);
            assertThat(after.find()).isTrue();
            assertThat(attribute(after.group(), "data-openings")).as("openings, the forced one among them").isEqualTo(openingsBefore + 1);
        } finally {
            Management.management().header("X-Admin-Token", "test-admin-token").post("/admin/routes/settings/circuit/close").then().statusCode(200);
        }
    }

    private static long attribute(String element, String name) {
        Matcher value = Pattern.compile(name + "=\"([0-9.]+)\"").matcher(element);
        assertThat(value.find()).as(name).isTrue();
        return (long) Double.parseDouble(value.group(1));
    }
}
