package me.mixpay.gateway.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import me.mixpay.gateway.support.MixPayReplies;

/**
 * SIGTERM during slow MixPay calls, as Kubernetes sends it on a rolling update: the packaged gateway
 * stops taking new requests, lets every in-flight one finish (a retry waiting in back-off included),
 * then exits well inside terminationGracePeriodSeconds.
 */
class GracefulShutdownIT {

    private static final int PAYMENTS = 8;
    private static final int LOOKUPS = 2;
    private static final String KEY = "drain-test-key-0123456789";

    @Test
    void inFlightRequestsGetTheirFullRepliesAfterSigterm() throws Exception {
        WireMockServer upstream = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(40));
        upstream.start();
        try {
            upstream.stubFor(post("/v1/payments").willReturn(json(MixPayReplies.success("{\"status\":\"pending\"}"))
                    .withFixedDelay(3000)));
            for (int i = 0; i < LOOKUPS; i++) {
                // First a -1 (retried after a 1.5 s back-off, during which SIGTERM arrives), then a slow success.
                String scenario = "lookup-" + i;
                upstream.stubFor(get(urlPathEqualTo("/v1/payments_result")).withQueryParam("traceId", equalTo(scenario))
                        .inScenario(scenario).whenScenarioStateIs(STARTED)
                        .willReturn(json(MixPayReplies.error(-1, "Server error"))).willSetStateTo("up"));
                upstream.stubFor(get(urlPathEqualTo("/v1/payments_result")).withQueryParam("traceId", equalTo(scenario))
                        .inScenario(scenario).whenScenarioStateIs("up")
                        .willReturn(json(MixPayReplies.success("{\"status\":\"success\"}")).withFixedDelay(1000)));
            }
            Map<String, String> env = new HashMap<>(Manifests.configEnvironment());
            env.put("GATEWAY_UPSTREAM_BASE_URL", "http://127.0.0.1:" + upstream.port());
            env.put("GATEWAY_ROUTES_PAYMENT_RESULTS_RETRY_INITIAL_DELAY", "1500ms");
            env.put("GATEWAY_ROUTES_PAYMENT_RESULTS_RETRY_JITTER", "0ms");
            java.nio.file.Path keys = java.nio.file.Files.createTempFile("merchant-keys", "");
            java.nio.file.Files.writeString(keys, "shop-drain:" + me.mixpay.gateway.auth.MerchantKeys.hashOf(KEY) + "\n");
            env.put("GATEWAY_AUTH_KEYS_FILE", keys.toString());

            try (PackagedGateway gateway = PackagedGateway.start(env)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                for (int i = 0; i < PAYMENTS; i++) {
                    inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.url("/v1/payments")))
                            .header("Content-Type", "application/x-www-form-urlencoded").header("X-Gateway-Key", KEY)
                            .POST(HttpRequest.BodyPublishers.ofString("orderId=drain-" + i + "&quoteAmount=10")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (int i = 0; i < LOOKUPS; i++) {
                    inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.url("/v1/payments_result?traceId=lookup-" + i)))
                            .header("X-Gateway-Key", KEY).build(), HttpResponse.BodyHandlers.ofString()));
                }
                // Every request has reached MixPay (the look-ups have had their -1) before the signal.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> upstream.getAllServeEvents().size() == PAYMENTS + LOOKUPS);
                long signalled = System.nanoTime();
                gateway.terminate();
                Thread.sleep(300);
                // While the old requests drain, a new one is refused with an envelope and forwarded nowhere.
                assertThat(inFlight).noneMatch(CompletableFuture::isDone);
                assertThat(newRequestOutcome(gateway)).isEqualTo("503 shutting_down");

                for (int i = 0; i < PAYMENTS + LOOKUPS; i++) {
                    HttpResponse<String> reply = inFlight.get(i).get();
                    assertThat(reply.statusCode()).as("request %d", i).isEqualTo(200);
                    assertThat(reply.body()).as("request %d", i).startsWith("{\"code\":0").endsWith("}");
                    assertThat(reply.headers().firstValue("X-Gateway-Attempts"))
                            .hasValue(i < PAYMENTS ? "1" : "2");
                }

                int exit = gateway.awaitExit(Duration.ofSeconds(30));
                Duration drained = Duration.ofNanos(System.nanoTime() - signalled);
                assertThat(exit).as("exit status").isIn(0, 143);
                // The slowest request ended ~3 s after the start; exiting long before the 25 s timeout
                // shows the gateway waited for work, not for the clock.
                assertThat(drained).isLessThan(Duration.ofSeconds(15));
                for (int i = 0; i < PAYMENTS; i++) {
                    upstream.verify(1, postRequestedFor(urlEqualTo("/v1/payments"))
                            .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("orderId=drain-" + i + "&")));
                }
                assertThat(gateway.log()).doesNotContain("Exception");
                // Access lines are batched (gateway.access-log.flush-interval): the drain still wrote one
                // per request, the refused one included, before the process exited.
                assertThat(gateway.log().lines().filter(line -> line.startsWith("{\"time\"")).count())
                        .as("access lines").isEqualTo(PAYMENTS + LOOKUPS + 1);
            }
        } finally {
            upstream.stop();
        }
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern equalTo(String value) {
        return com.github.tomakehurst.wiremock.client.WireMock.equalTo(value);
    }

    private static String newRequestOutcome(PackagedGateway gateway) {
        try {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gateway.url("/v1/setting/payment_assets"))).header("X-Gateway-Key", KEY)
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return reply.statusCode() + " " + Manifests.JSON.readTree(reply.body()).path("gateway").path("error").asText();
        } catch (java.io.IOException refused) {
            return "refused";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
