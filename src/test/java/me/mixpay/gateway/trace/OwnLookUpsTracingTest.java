package me.mixpay.gateway.trace;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.InMemorySpans;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * The calls the gateway sends MixPay on its own behalf are in the trace of the request they are for: a
 * creation's reconciliation (an event with what MixPay said, and a client span per look-up) and a
 * callback's check with {@code payments_result} (a client span under the callback's server span).
 * The simulator is MixPay; the profile is {@link CallbackTracingTest}'s, so the application is shared.
 */
@QuarkusTest
@TestProfile(CallbackTracingTest.CallbacksTraced.class)
class OwnLookUpsTracingTest {

    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("reconciliation.outcome");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aCreationResetAfterItWasMadeCarriesItsReconciliationFoundAndTheLookUpsAsClientSpans() {
        SpanData server = createdWithFault("1c3e5a7b9d2f4a6c8e0b1d3f5a7c9e2b", "reset-after-creation", 200);
        assertThat(reconciliations(server)).containsExactly("found");
        List<SpanData> calls = await().atMost(Duration.ofSeconds(5)).until(() -> clientSpans(server), list -> list.stream()
                .anyMatch(span -> span.getName().equals("GET")));
        assertThat(calls).allMatch(span -> span.getParentSpanId().equals(server.getSpanId()));
        assertThat(calls).first().satisfies(creation -> assertThat(creation.getName()).isEqualTo("POST"));
        assertThat(calls).filteredOn(span -> span.getName().equals("GET")).allSatisfy(lookUp -> {
            assertThat(lookUp.getAttributes().get(RequestTrace.STATUS)).isEqualTo(200L);
            assertThat(lookUp.getAttributes().get(RequestTrace.MIXPAY_CODE)).isEqualTo("0");
        });
    }

    @Test
    void aCreationThatNeverArrivedCarriesEachReconciliationAbsent() {
        SpanData server = createdWithFault("2d4f6b8a0c1e3a5b7d9f1a3c5e7b9d0f", "reset", 502);
        // Each of the two retries asked MixPay first and heard of no such payment.
        assertThat(reconciliations(server)).containsExactly("absent", "absent");
        List<SpanData> calls = await().atMost(Duration.ofSeconds(5)).until(() -> clientSpans(server), list -> list.size() >= 5);
        assertThat(calls).extracting(SpanData::getName).containsExactly("POST", "GET", "POST", "GET", "POST");
    }

    @Test
    void aCallbacksCheckWithMixPayIsAClientSpanUnderTheCallbacksSpan() {
        String creationTrace = "3f5b7d9a1c2e4f6a8b0c1d2e3f4a5b6c";
        String traceId = given().header("traceparent", "00-" + creationTrace + "-b7ad6b7169203331-01")
                .formParams(CreationForm.of("rc_" + System.nanoTime(), CreationForm.ETH)).post("/v1/one_time_payment")
                .then().statusCode(200).extract().jsonPath().getString("data.code");
        given().baseUri(SimulatorUpstream.controls()).port(-1).post("/_simulator/payments/" + traceId + "/pay").then().statusCode(200);

        // This payment's callback: its span links to the creation's trace.
        SpanData callback = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER && span.getName().equals("POST callback"))
                .filter(span -> creationTrace.equals(span.getAttributes().get(AttributeKey.stringKey("mixpay.creation_trace_id"))))
                .findFirst().orElse(null), span -> span != null);
        SpanData check = await().atMost(Duration.ofSeconds(5)).until(() -> clientSpans(callback).stream()
                .filter(span -> span.getParentSpanId().equals(callback.getSpanId())).findFirst().orElse(null), span -> span != null);
        assertThat(check.getName()).isEqualTo("GET");
        assertThat(check.getAttributes().get(RequestTrace.STATUS)).isEqualTo(200L);
        assertThat(check.getAttributes().get(RequestTrace.MIXPAY_CODE)).isEqualTo("0");
    }

    /** A one-time payment created in trace {@code trace} with the simulator's {@code fault}; its server span. */
    private SpanData createdWithFault(String trace, String fault, int status) {
        given().header("traceparent", "00-" + trace + "-b7ad6b7169203331-01").header("X-Simulate-Fault", fault)
                .formParams(CreationForm.of("rt_" + System.nanoTime(), CreationForm.ETH)).post("/v1/one_time_payment")
                .then().statusCode(status);
        return awaitServerSpan(trace);
    }

    private static List<String> reconciliations(SpanData server) {
        return server.getEvents().stream().filter(event -> event.getName().equals("reconciliation"))
                .map(event -> event.getAttributes().get(OUTCOME)).toList();
    }

    private SpanData awaitServerSpan(String traceId) {
        return InMemorySpans.awaitServerSpan(spans, traceId);
    }

    private List<SpanData> clientSpans(SpanData server) {
        return InMemorySpans.clientSpans(spans, server);
    }
}
