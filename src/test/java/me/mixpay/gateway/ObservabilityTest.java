package me.mixpay.gateway;

import static me.mixpay.gateway.support.Management.management;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;


import io.quarkus.test.junit.QuarkusTest;

import io.restassured.RestAssured;

import me.mixpay.gateway.support.LoadClient;
import me.mixpay.gateway.support.MixPayReplies;

/** What the on-call engineer reads: /q/metrics after a scripted scenario, health while a breaker is open. */
@QuarkusTest
class ObservabilityTest extends GatewayTestBase {

    @Test
    void scriptedScenarioLeavesExactCountsAndStatesInMetricsAndHealthStaysUp() {
        String base = "/v1/test/metrics/";
        upstream.stubFor(get(base + "ok").willReturn(json(MixPayReplies.success("{}"))));
        upstream.stubFor(get(base + "flaky").inScenario("m").whenScenarioStateIs(STARTED)
                .willReturn(json(MixPayReplies.error(-1, "Server error"))).willSetStateTo("ok"));
        upstream.stubFor(get(base + "flaky").inScenario("m").whenScenarioStateIs("ok")
                .willReturn(json(MixPayReplies.success("{}"))));
        upstream.stubFor(get(base + "maint").willReturn(json(MixPayReplies.error(10008, "Payments are suspended"))));

        given().get(base + "ok").then().statusCode(200);
        given().get(base + "ok").then().statusCode(200);
        given().get(base + "flaky").then().statusCode(200).header("X-Gateway-Attempts", "2");
        given().get(base + "maint").then().statusCode(200).header("X-MixPay-Code", "10008");
        given().get(base + "ok").then().statusCode(503).header("X-Gateway-Circuit", "open");

        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(value(metrics, "mixpay_gateway_requests_total", "category=\"success\"", "method=\"GET\"",
                "outcome=\"success\"", "route=\"t-metrics\"")).isEqualTo(3.0);
        assertThat(value(metrics, "mixpay_gateway_requests_total", "category=\"maintenance\"", "outcome=\"mixpay_error\"",
                "route=\"t-metrics\"")).isEqualTo(1.0);
        assertThat(value(metrics, "mixpay_gateway_requests_total", "category=\"gateway\"", "outcome=\"circuit_open\"",
                "route=\"t-metrics\"")).isEqualTo(1.0);
        assertThat(value(metrics, "mixpay_gateway_retries_total", "reason=\"transient\"", "route=\"t-metrics\"")).isEqualTo(1.0);
        assertThat(value(metrics, "mixpay_gateway_upstream_attempts_total", "route=\"t-metrics\"")).isEqualTo(5.0);
        assertThat(value(metrics, "mixpay_gateway_circuit_state", "route=\"t-metrics\"")).isEqualTo(1.0);
        assertThat(value(metrics, "mixpay_gateway_circuit_transitions_total", "route=\"t-metrics\"", "to=\"open\"")).isEqualTo(1.0);
        assertThat(value(metrics, "mixpay_gateway_request_duration_seconds_count", "route=\"t-metrics\"")).isEqualTo(5.0);
        assertThat(metrics).contains("mixpay_gateway_request_duration_seconds_bucket{route=\"t-metrics\"");
        assertThat(value(metrics, "mixpay_gateway_upstream_attempt_duration_seconds_count", "result=\"reply\"",
                "route=\"t-metrics\"")).isEqualTo(5.0);
        assertThat(metrics).contains("mixpay_gateway_mixpay_codes_total{code=\"10008\"}");
        // The bulkhead's use in the gateway's own meters: nothing in flight or waiting any more.
        assertThat(value(metrics, "mixpay_gateway_bulkhead_running", "route=\"t-metrics\"")).isEqualTo(0.0);
        assertThat(value(metrics, "mixpay_gateway_bulkhead_waiting", "route=\"t-metrics\"")).isEqualTo(0.0);
        // SmallRye's own series (on in tests through MP_Fault_Tolerance_Metrics_Enabled), mapped to the group by the guard's description: bulkhead occupancy and
        // queue (both empty again), the one retry, and the maintenance breaker's opening.
        assertThat(value(metrics, "ft_bulkhead_executionsRunning", "method=\"route-t-metrics\"")).isEqualTo(0.0);
        assertThat(value(metrics, "ft_bulkhead_executionsWaiting", "method=\"route-t-metrics\"")).isEqualTo(0.0);
        assertThat(value(metrics, "ft_retry_retries_total", "method=\"route-t-metrics\"")).isEqualTo(1.0);
        assertThat(value(metrics, "ft_circuitbreaker_opened_total", "method=\"route-t-metrics\"")).isEqualTo(1.0);
        assertThat(value(metrics, "ft_invocations_total", "method=\"route-t-metrics-overall\"", "result=\"valueReturned\""))
                .isEqualTo(3.0);

        management().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'route-groups' }.data.'breaker.t-metrics'", equalTo("open"));
        management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    /**
     * 2,000 in CI: a label taken from a code or a path would add a series per request, 2,000 against the 10
     * allowed, so more requests prove nothing more and cost 20 s. {@code -Dcardinality.requests=10000} for
     * the volume docs/observability.md mentions.
     */
    private static final int REQUESTS = Integer.getInteger("cardinality.requests", 2_000);

    @Test
    void randomCodesAndPathsCannotBlowUpCardinality() throws Exception {
        upstream.stubFor(get(urlPathMatching("/v1/test/card/.*")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":{{randomInt lower=100000 upper=99999999}},\"success\":false,\"message\":\"new\"}")
                .withTransformers("response-template")));
        // Warm up every series the route can have, then count.
        given().get("/v1/test/card/warm").then().statusCode(200);
        java.util.Set<String> before = series();

        LoadClient load = new LoadClient(RestAssured.port);
        for (var reply : load.run(REQUESTS, 16,
                i -> load.to("/v1/test/card/" + Long.toHexString(ThreadLocalRandom.current().nextLong())))) {
            assertThat(reply.statusCode()).isEqualTo(200);
        }

        // New series allowed: the "other" code and a handful of histogram or count lines, never one per code or path.
        java.util.Set<String> added = series();
        added.removeAll(before);
        assertThat(added).as("series added by %,d random codes and paths", REQUESTS).hasSizeLessThanOrEqualTo(10);
        assertThat(management().get("/q/metrics").asString()).doesNotContain("/v1/test/card/");
    }

    /** Series identities (name and labels, without values). */
    private java.util.Set<String> series() {
        return management().get("/q/metrics").asString().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(0, l.lastIndexOf(' '))).collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }

    /** The sample value of the one series of {@code name} carrying all the given label pairs. */
    private static double value(String metrics, String name, String... labels) {
        List<String> lines = metrics.lines().filter(l -> l.startsWith(name + "{"))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains)).toList();
        assertThat(lines).as(name + " " + String.join(",", labels)).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
