package me.mixpay.gateway.trace;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.MerchantReceiver;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * MixPay's callback arrives in a trace of its own (MixPay sends no {@code traceparent}); its span links
 * to the trace of the creation it answers, so on-call goes from one to the other.
 */
@QuarkusTest
@TestProfile(CallbackTracingTest.CallbacksTraced.class)
class CallbackTracingTest {

    public static class CallbacksTraced extends CallbackUpstream {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("quarkus.otel.sdk.disabled", "false");
            config.put("quarkus.otel.bsp.schedule.delay", "10ms");
            config.put("quarkus.log.category.\"mixpay.gateway.access\".level", "INFO");
            return config;
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theCallbacksSpanLinksToTheCreationsTrace() {
        me.mixpay.gateway.support.LogCapture logs = new me.mixpay.gateway.support.LogCapture().start();
        String creationTrace = "5af7651916cd43dd8448eb211c80319c";
        String orderId = "ct_" + System.nanoTime();
        String traceId = given().header("traceparent", "00-" + creationTrace + "-b7ad6b7169203331-01")
                .formParams(CreationForm.of(orderId, CreationForm.ETH)).post("/v1/one_time_payment")
                .then().statusCode(200).extract().jsonPath().getString("data.code");
        SpanData creation = await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(creationTrace)).findFirst().orElse(null), s -> s != null);

        given().baseUri(SimulatorUpstream.controls()).port(-1).post("/_simulator/payments/" + traceId + "/pay").then().statusCode(200);

        SpanData callback = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && !s.getTraceId().equals(creationTrace))
                .filter(s -> creationTrace.equals(s.getAttributes().get(AttributeKey.stringKey("mixpay.creation_trace_id"))))
                .findFirst().orElse(null), s -> s != null);
        assertThat(callback.getLinks()).anySatisfy(link -> {
            assertThat(link.getSpanContext().getTraceId()).isEqualTo(creationTrace);
            assertThat(link.getSpanContext().getSpanId()).isEqualTo(creation.getSpanId());
        });
        // The path's ref and token are the credential MixPay posts with: spans leave for a collector.
        String callbackUrl = given().baseUri(SimulatorUpstream.controls()).port(-1).get("/_simulator/payments/" + traceId)
                .jsonPath().getString("callbackUrl");
        String credential = callbackUrl.substring(callbackUrl.indexOf("/callbacks/mixpay/") + "/callbacks/mixpay/".length());
        assertThat(callback.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/callbacks/mixpay/{credential}");
        assertThat(spans.getFinishedSpanItems()).allSatisfy(span -> assertThat(span.getAttributes().toString()).doesNotContain(credential));
        // MixPay's post has its access line, with the callback's trace, and without the credential.
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.accessLines().stream().anyMatch(line -> line.contains("\"route\":\"callback\"")
                && line.contains("\"traceId\":\"" + callback.getTraceId() + "\"") && line.contains("\"outcome\":\"callback_accepted\"")));
        logs.stop();
        assertThat(logs.accessLines()).noneMatch(line -> line.contains(credential));
        // Nor in the metrics: Quarkus' HTTP server metrics tag each path unless a pattern names it.
        assertThat(me.mixpay.gateway.support.Management.management().get("/q/metrics").asString()).doesNotContain(credential)
                .contains("uri=\"/callbacks/mixpay/{credential}\"");
    }

    @Test
    void eachTryOfTheRelayIsAClientSpanWhoseTraceTheMerchantReceives() throws Exception {
        try (MerchantReceiver merchant = MerchantReceiver.start(CallbackUpstream.receiverPort())) {
            relayTraced(merchant);
        }
    }

    private void relayTraced(MerchantReceiver merchant) {
        String orderId = "cr_" + System.nanoTime();
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", "http://127.0.0.1:" + CallbackUpstream.receiverPort() + "/hooks/mixpay?order=" + orderId);
        String creationTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceId = given().header("traceparent", "00-" + creationTrace + "-00f067aa0ba902b7-01").formParams(order)
                .post("/v1/one_time_payment").then().statusCode(200).extract().jsonPath().getString("data.code");

        given().baseUri(SimulatorUpstream.controls()).port(-1).post("/_simulator/payments/" + traceId + "/pay").then().statusCode(200);

        MerchantReceiver.Post post = await().atMost(Duration.ofSeconds(10)).until(
                () -> merchant.postsFor(orderId).stream().findFirst().orElse(null), p -> p != null);
        SpanData delivery = await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && post.traceparent() != null && post.traceparent().contains(s.getSpanId()))
                .findFirst().orElse(null), s -> s != null);
        // Flags: sampled, and the SDK may add W3C's "random trace id" bit (03).
        assertThat(post.traceparent()).matches("00-" + delivery.getTraceId() + "-" + delivery.getSpanId() + "-0[13]");
        assertThat(delivery.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
        assertThat(delivery.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        // The relay's own trace, linked to the creation's: the on-call engineer finds one from the other.
        assertThat(delivery.getTraceId()).isNotEqualTo(creationTrace);
        assertThat(delivery.getLinks()).anySatisfy(link -> assertThat(link.getSpanContext().getTraceId()).isEqualTo(creationTrace));
    }
}
