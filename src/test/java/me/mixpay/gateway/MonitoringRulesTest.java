package me.mixpay.gateway;

import static me.mixpay.gateway.support.Management.management;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import me.mixpay.gateway.support.MixPayReplies;

/** Every metric the alert rules and the dashboard name is one the running gateway really exports. */
@QuarkusTest
class MonitoringRulesTest extends GatewayTestBase {

    private static final Pattern METRIC = Pattern.compile("\\b(mixpay_gateway_[a-z_]+|ft_[a-z_]+)\\b");

    @Test
    void alertRulesAndDashboardNameOnlyExportedMetrics() throws IOException {
        // Traffic that makes every series exist: a retry, a code, a breaker transition.
        upstream.stubFor(get("/v1/test/alerts/x").inScenario("a").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withBody(MixPayReplies.error(-1, "e"))).willSetStateTo("ok"));
        upstream.stubFor(get("/v1/test/alerts/x").inScenario("a").whenScenarioStateIs("ok")
                .willReturn(aResponse().withBody(MixPayReplies.error(10008, "maintenance"))));
        given().get("/v1/test/alerts/x").then().statusCode(200).header("X-Gateway-Attempts", "2");

        String exported = management().get("/q/metrics").asString();
        Set<String> named = new TreeSet<>();
        for (Path file : new Path[] { Path.of("k8s/base/monitoring/prometheus-rules.yaml"), Path.of("k8s/base/monitoring/grafana-dashboard.json") }) {
            Matcher m = METRIC.matcher(Files.readString(file));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).contains("mixpay_gateway_circuit_state", "mixpay_gateway_retries_total",
                "mixpay_gateway_mixpay_codes_total", "mixpay_gateway_request_duration_seconds_bucket",
                // The MixPay budget and the cluster store: these exist from startup, class-tagged ones too.
                "mixpay_gateway_budget_limit", "mixpay_gateway_budget_used", "mixpay_gateway_budget_remaining",
                "mixpay_gateway_budget_mixpay_remaining", "mixpay_gateway_budget_paused_seconds",
                "mixpay_gateway_budget_waiting", "mixpay_gateway_budget_waits_total", "mixpay_gateway_budget_refusals_total",
                "mixpay_gateway_budget_wait_seconds_sum", "mixpay_gateway_budget_wait_seconds_count",
                "mixpay_gateway_budget_wait_seconds_max", "mixpay_gateway_budget_mixpay_rate_limited_total",
                "mixpay_gateway_budget_calls_total", "mixpay_gateway_circuit_transitions_total",
                "mixpay_gateway_cluster_redis_up", "mixpay_gateway_cluster_replicas",
                // The look-up cache: every group's series exist from startup.
                "mixpay_gateway_cache_replies_total", "mixpay_gateway_poll_interval_seconds",
                "mixpay_gateway_cache_entries", "mixpay_gateway_cache_weight_bytes");
        for (String metric : named) {
            assertThat(exported).as(metric + " is exported on management port " + me.mixpay.gateway.support.Management.port()).containsPattern("(?m)^" + metric + "[{ ]");
        }
    }
}
