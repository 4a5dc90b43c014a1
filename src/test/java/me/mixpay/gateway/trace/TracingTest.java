package me.mixpay.gateway.trace;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import me.mixpay.gateway.GatewayTestBase;
import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.InMemorySpans;
import me.mixpay.gateway.support.LogCapture;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * Traces through the real proxy path (Vert.x routes, WireMock as MixPay), kept by an in-memory exporter:
 * one server span per merchant request, named by its route group, a client span per MixPay attempt with
 * OpenTelemetry's resend count, the merchant's trace continued to MixPay, a wait for budget as an event,
 * and the trace id in the access log line.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
class TracingTest extends GatewayTestBase {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.otel.sdk.disabled", "false");
            config.put("quarkus.otel.bsp.schedule.delay", "10ms");
            // Half the traces the gateway starts itself; a merchant's sampled flag decides for its own.
            config.put("quarkus.otel.traces.sampler.arg", "0.5");
            // Four calls per 3 s for everyone: the fifth waits for the next window, however slow the machine.
            config.put("gateway.budget.limit", "4");
            config.put("gateway.budget.window", "3s");
            config.put("gateway.budget.critical-reserve", "0");
            config.put("gateway.budget.normal-reserve", "0");
            config.put("quarkus.log.category.\"mixpay.gateway.access\".level", "INFO");
            return config;
        }
    }

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Inject
    InMemorySpanExporter spans;

    private final LogCapture logs = new LogCapture();

    @BeforeEach
    void start() {
        logs.start();
        spans.reset();
    }

    @AfterEach
    void stop() {
        logs.stop();
    }

    @Test
    void aRetriedLookUpIsOneServerSpanWithAClientSpanPerAttemptCountingResends() {
        upstream.stubFor(get(urlPathEqualTo("/v1/setting/assets")).inScenario("r").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("second"));
        upstream.stubFor(get(urlPathEqualTo("/v1/setting/assets")).inScenario("r").whenScenarioStateIs("second")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("third"));
        upstream.stubFor(get(urlPathEqualTo("/v1/setting/assets")).inScenario("r").whenScenarioStateIs("third")
                .willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));

        given().header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01").get("/v1/setting/assets?id=secret")
                .then().statusCode(200).header("X-Gateway-Attempts", "3");

        SpanData server = awaitServerSpan(TRACE_ID);
        assertThat(server.getName()).isEqualTo("GET settings").doesNotContain("secret");
        assertThat(server.getParentSpanId()).as("the merchant's span").isEqualTo("00f067aa0ba902b7");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mixpay.route_group"))).isEqualTo("settings");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mixpay.code"))).isEqualTo("0");
        assertThat(server.getAttributes().get(AttributeKey.longKey("gateway.attempts"))).isEqualTo(3L);
        assertThat(server.getAttributes().get(RequestTrace.STATUS)).as("ended with the reply").isEqualTo(200L);
        assertThat(spans.getFinishedSpanItems()).as("one server span for the request, the gateway's own")
                .filteredOn(span -> span.getKind() == SpanKind.SERVER && span.getTraceId().equals(TRACE_ID)).hasSize(1);
        List<SpanData> attempts = await().atMost(Duration.ofSeconds(5)).until(() -> clientSpans(server), list -> list.size() == 3);
        assertThat(attempts).allMatch(span -> span.getParentSpanId().equals(server.getSpanId()));
        assertThat(attempts).extracting(span -> span.getAttributes().get(RequestTrace.RESEND_COUNT)).containsExactly(null, 1L, 2L);
        assertThat(attempts.get(2).getAttributes().get(RequestTrace.STATUS)).isEqualTo(200L);

        // MixPay's side continues the same trace, under the last attempt.
        upstream.verify(3, getRequestedFor(urlPathEqualTo("/v1/setting/assets")).withHeader("traceparent", matching("00-" + TRACE_ID + "-[0-9a-f]{16}-01")));
        upstream.verify(getRequestedFor(urlPathEqualTo("/v1/setting/assets"))
                .withHeader("traceparent", matching("00-" + TRACE_ID + "-" + attempts.get(2).getSpanId() + "-01")));
        // And on-call finds the request's line by the trace id.
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.accessLines().stream().anyMatch(line -> line.contains("\"traceId\":\"" + TRACE_ID + "\"")
                && line.contains("\"spanId\":\"" + server.getSpanId() + "\"")));
    }

    @Test
    void aRequestThatWaitedForBudgetCarriesTheWaitAsAnEventWithItsDurationAndReason() throws InterruptedException {
        // A fresh window, whatever the tests before spent: four calls fill it, the fifth waits for the next.
        Thread.sleep(3100);
        upstream.stubFor(get(urlPathEqualTo("/v1/test/budget/w")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        for (int i = 0; i < 4; i++) {
            given().get("/v1/test/budget/w").then().statusCode(200);
        }
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        given().header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01").get("/v1/test/budget/w").then().statusCode(200);

        SpanData server = awaitServerSpan(traceId);
        EventData wait = server.getEvents().stream().filter(event -> event.getName().equals("budget.wait")).findFirst()
                .orElseThrow(() -> new AssertionError("no budget.wait event on " + server));
        assertThat(wait.getAttributes().get(AttributeKey.doubleKey("budget.wait_ms"))).isGreaterThan(1.0);
        assertThat(wait.getAttributes().get(AttributeKey.stringKey("budget.wait_reason"))).isEqualTo("window_full");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mixpay.budget_class"))).isNotNull();
    }

    @Test
    void theGatewaysDecisionsAreAttributesOfTheServerSpanAndTheMerchantsTracestateGoesOn() {
        upstream.stubFor(get(urlPathEqualTo("/v1/setting/quote_assets")).willReturn(MixPayReplies.json(MixPayReplies.success("[]"))));
        upstream.stubFor(post(urlPathEqualTo("/v1/payments")).willReturn(MixPayReplies.json(MixPayReplies.error(1017, "Parameter error."))));
        upstream.stubFor(post(urlPathEqualTo("/v1/one_time_payment")).willReturn(MixPayReplies.json(MixPayReplies.success("{\"code\":\"t\"}"))));
        String tracestate = "merchant=checkout-7";

        // A look-up the cache answers: its outcome and age.
        given().get("/v1/setting/quote_assets").then().statusCode(200);
        String cached = "7a1e3b5c9d2f4a6b8c0d1e2f3a4b5c6d";
        given().header("traceparent", "00-" + cached + "-b7ad6b7169203331-01").get("/v1/setting/quote_assets")
                .then().statusCode(200).header("X-Gateway-Cache", "hit");
        SpanData hit = awaitServerSpan(cached);
        assertThat(hit.getAttributes().get(AttributeKey.stringKey("gateway.cache"))).isEqualTo("hit");
        assertThat(hit.getAttributes().get(AttributeKey.longKey("gateway.cache_age_s"))).isNotNull().isGreaterThanOrEqualTo(0L);
        assertThat(hit.getAttributes().get(AttributeKey.stringKey("gateway.breaker"))).isEqualTo("closed");
        assertThat(hit.getAttributes().get(AttributeKey.longKey("gateway.attempts"))).isZero();

        // MixPay's refusal: its code and the catalog's category.
        String refused = "8b2f4c6d0e3a5b7c9d1e2f3a4b5c6d7e";
        given().header("traceparent", "00-" + refused + "-b7ad6b7169203331-01").header("tracestate", tracestate)
                .formParams(CreationForm.of("tr_" + System.nanoTime(), CreationForm.ETH)).post("/v1/payments").then().statusCode(200);
        SpanData rejected = awaitServerSpan(refused);
        assertThat(rejected.getAttributes().get(RequestTrace.MIXPAY_CODE)).isEqualTo("1017");
        assertThat(rejected.getAttributes().get(AttributeKey.stringKey("mixpay.category"))).isEqualTo("client_error");
        assertThat(rejected.getSpanContext().getTraceState().get("merchant")).isEqualTo("checkout-7");
        upstream.verify(postRequestedFor(urlPathEqualTo("/v1/payments")).withHeader("tracestate", equalTo(tracestate)));

        // A resend of a creation: replayed, no MixPay call.
        java.util.Map<String, String> order = CreationForm.of("tr_" + System.nanoTime(), CreationForm.ETH);
        given().formParams(order).post("/v1/one_time_payment").then().statusCode(200);
        String resent = "9c3a5d7e1f4b6c8d0e2f3a4b5c6d7e8f";
        given().header("traceparent", "00-" + resent + "-b7ad6b7169203331-01").formParams(order).post("/v1/one_time_payment")
                .then().statusCode(200).header("X-Gateway-Idempotency", "replay");
        assertThat(awaitServerSpan(resent).getAttributes().get(AttributeKey.stringKey("gateway.idempotency"))).isEqualTo("replay");
    }

    @Test
    void aRequestThatWaitedOutMixPaysPauseAfterA1429CarriesThatReason() {
        upstream.stubFor(get(urlPathEqualTo("/v1/test/budget/limited")).willReturn(MixPayReplies.json(MixPayReplies.error(1429, "Too many requests"))));
        upstream.stubFor(get(urlPathEqualTo("/v1/test/budget/after")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        given().get("/v1/test/budget/limited").then().statusCode(429);
        String traceId = "3e5a7c9b1d2f4a6c8e0a1b2c3d4e5f6a";
        // The pause lasts a window (3 s here): the request waits it out within its 15 s.
        given().header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01").get("/v1/test/budget/after").then().statusCode(200);

        EventData wait = awaitServerSpan(traceId).getEvents().stream().filter(event -> event.getName().equals("budget.wait")).findFirst()
                .orElseThrow(() -> new AssertionError("no budget.wait event"));
        assertThat(wait.getAttributes().get(AttributeKey.stringKey("budget.wait_reason"))).isEqualTo("mixpay_pause");
        assertThat(wait.getAttributes().get(AttributeKey.doubleKey("budget.wait_ms"))).isGreaterThan(1000.0);
    }

    @Test
    void aTraceTheMerchantDidNotSampleReachesMixPayAsTheMerchantSentIt() {
        upstream.stubFor(get(urlPathEqualTo("/v1/test/unsampled")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        String traceparent = "00-7d2c4e8a1b3f4a5c9e0d1f2a3b4c5d6e-b7ad6b7169203331-00";
        given().header("traceparent", traceparent).get("/v1/test/unsampled").then().statusCode(200);
        // No span of the gateway's in between: it takes no part in a trace nobody keeps.
        upstream.verify(getRequestedFor(urlPathEqualTo("/v1/test/unsampled")).withHeader("traceparent", equalTo(traceparent)));
        assertThat(spans.getFinishedSpanItems()).noneMatch(span -> span.getTraceId().equals("7d2c4e8a1b3f4a5c9e0d1f2a3b4c5d6e"));
    }

    @Test
    void theSamplingRatioAppliesToTracesTheGatewayStartsAndTheMerchantsDecisionIsKept() throws InterruptedException {
        // Refused requests (405) cost no budget and still get a server span when sampled.
        for (int i = 0; i < 200; i++) {
            given().request("TRACE", "/v1/setting/payment_assets").then().statusCode(405);
        }
        String unsampled = "5e2d4c7a9b1f4e3a8c6d2b0f1e3a5c7d";
        for (int i = 0; i < 20; i++) {
            given().header("traceparent", "00-" + unsampled + "-b7ad6b7169203331-00").request("TRACE", "/v1/setting/payment_assets")
                    .then().statusCode(405);
        }
        // At ratio 0.5, 200 new traces keep 100 +- 7 (one standard deviation); 60..140 is more than five either side.
        await().atMost(Duration.ofSeconds(5)).until(this::serverSpans, count -> count >= 60);
        Thread.sleep(300); // the last batch
        assertThat(serverSpans()).as("server spans of 200 new traces at ratio 0.5").isBetween(60L, 140L);
        assertThat(spans.getFinishedSpanItems()).filteredOn(span -> span.getKind() == SpanKind.SERVER)
                .allMatch(span -> span.getName().equals("TRACE refused") && "method_not_allowed".equals(span.getAttributes().get(AttributeKey.stringKey("gateway.error")))
                        && Long.valueOf(405).equals(span.getAttributes().get(RequestTrace.STATUS)));
        assertThat(spans.getFinishedSpanItems()).as("the merchant said: not sampled").noneMatch(span -> span.getTraceId().equals(unsampled));
    }

    @Test
    void aMerchantWhoHangsUpBeforeTheReplyEndsItsSpanAsDisconnected() throws Exception {
        upstream.stubFor(get(urlPathEqualTo("/v1/test/inspect/slow")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))
                .withFixedDelay(800)));
        String traceId = "6e0c63257de34c926f9efcd03899b12a";
        try (java.net.Socket merchant = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            merchant.getOutputStream().write(("GET /v1/test/inspect/slow HTTP/1.1\r\nHost: gateway\r\n"
                    + "traceparent: 00-" + traceId + "-b7ad6b7169203331-01\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            merchant.getOutputStream().flush();
            Thread.sleep(200); // the gateway has the request and is waiting for MixPay
        }

        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("merchant_disconnected");
        assertThat(server.getAttributes().get(RequestTrace.STATUS)).as("no reply was written").isNull();
        // What the gateway went on to decide is on the span all the same: it ended when MixPay answered.
        assertThat(server.getName()).isEqualTo("GET t-inspect");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mixpay.route_group"))).isEqualTo("t-inspect");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mixpay.code"))).isEqualTo("0");
    }

    @Test
    void anAttemptTheGatewayStoppedWaitingForStillEndsItsClientSpan() {
        // t-timeout cuts each attempt at 250 ms: the attempt's deadline cancels the call, and a span
        // ended only on MixPay's reply or failure would never be exported.
        upstream.stubFor(get(urlPathEqualTo("/v1/test/timeout/traced")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))
                .withFixedDelay(800)));
        String traceId = "7a1c2e3f4b5d6e7f8091a2b3c4d5e6f7";
        given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").get("/v1/test/timeout/traced")
                .then().statusCode(504).header("X-Gateway-Attempts", "2");

        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getAttributes().get(RequestTrace.GATEWAY_ERROR)).isEqualTo("upstream_timeout");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        List<SpanData> attempts = await().atMost(Duration.ofSeconds(5)).until(() -> clientSpans(server), list -> list.size() == 2);
        assertThat(attempts).extracting(span -> span.getAttributes().get(AttributeKey.stringKey("error.type")))
                .containsExactly(RequestTrace.CANCELLED, RequestTrace.CANCELLED);
        assertThat(attempts).extracting(span -> span.getAttributes().get(RequestTrace.RESEND_COUNT)).containsExactly(null, 1L);
    }

    @Test
    void aMethodHttpDoesNotDefineNamesNoSpanOfItsOwn() {
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathEqualTo("/v1/test/inspect/method"))
                .willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        String traceId = "8b2d3f405c6e7f8091a2b3c4d5e6f708";
        for (String token : List.of("X9F2", "PURGE", "QWERTY")) {
            given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").request(token, "/v1/test/inspect/method");
        }

        List<SpanData> servers = await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER && span.getTraceId().equals(traceId)).toList(), list -> list.size() == 3);
        // One name however many tokens callers invent, per OpenTelemetry's HTTP conventions.
        assertThat(servers).extracting(SpanData::getName).allMatch(name -> name.startsWith("HTTP "))
                .extracting(name -> name).hasSize(3).containsOnly(servers.get(0).getName());
        assertThat(servers).extracting(span -> span.getAttributes().get(RequestTrace.METHOD)).containsOnly("_OTHER");
        assertThat(spans.getFinishedSpanItems()).filteredOn(span -> span.getTraceId().equals(traceId))
                .extracting(SpanData::getName).noneMatch(name -> name.contains("X9F2") || name.contains("QWERTY"));
    }

    @Test
    void aRefusalThatIsTheCallersToActOnIsNotASpanError() {
        upstream.stubFor(post(urlPathEqualTo("/v1/test/inspect/keyed")).willReturn(MixPayReplies.json(MixPayReplies.success("{}"))));
        String traceId = "9c3e4f5061728394a5b6c7d8e9f0a1b2";
        given().header("Idempotency-Key", "trace-conflict").formParam("a", "1").post("/v1/test/inspect/keyed").then().statusCode(200);
        // The same key with another body: 422, the merchant's mistake, not the gateway's failure.
        given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").header("Idempotency-Key", "trace-conflict")
                .formParam("a", "2").post("/v1/test/inspect/keyed").then().statusCode(422);

        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getAttributes().get(RequestTrace.GATEWAY_ERROR)).isEqualTo("idempotency_conflict");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
    }

    @Test
    void aRefusedRequestsAccessLineCarriesItsTrace() {
        String traceId = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
        given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").get("/not-mixpay/anything").then().statusCode(404);

        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getName()).isEqualTo("GET refused");
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.accessLines().stream().anyMatch(line -> line.contains("\"outcome\":\"refused\"")
                && line.contains("\"traceId\":\"" + traceId + "\"") && line.contains("\"spanId\":\"" + server.getSpanId() + "\"")));
    }

    private long serverSpans() {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER).count();
    }

    private SpanData awaitServerSpan(String traceId) {
        return InMemorySpans.awaitServerSpan(spans, traceId);
    }

    private List<SpanData> clientSpans(SpanData server) {
        return InMemorySpans.clientSpans(spans, server);
    }
}
