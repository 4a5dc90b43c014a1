package me.mixpay.gateway.simulator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * The simulator's payment callbacks against MixPay's "Payment Callback" page, read at test time: the body
 * has the page's fields and nothing else, a callback is tried again on the page's schedule (scaled) until
 * the receiver answers {@code {"code": "SUCCESS"}}, and only https callback URLs are accepted.
 */
class SimulatedCallbacksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private MixPaySimulator simulator;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger refuseFirst = new AtomicInteger();

    private record Received(long atMs, String contentType, String body) {
    }

    private String start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/cb", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(System.currentTimeMillis(), exchange.getRequestHeaders().getFirst("Content-Type"), body));
            byte[] answer = (refuseFirst.getAndDecrement() > 0 ? "{\"code\":\"FAIL\"}" : "{\"code\":\"SUCCESS\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
        simulator = new MixPaySimulator(SimulatorSettings.defaults().withRateLimit(1000, Duration.ofMinutes(1))
                .withCallbacks(0.01, List.of("https://merchant.test=http://127.0.0.1:" + receiver.getAddress().getPort())));
        return "http://127.0.0.1:" + simulator.start(0);
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.stop();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void thePaidPaymentsCallbackHasThePagesFieldsAndIsRetriedOnItsScheduleUntilSuccess() throws Exception {
        String base = start();
        refuseFirst.set(2);
        String orderId = "cbsim_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", "https://merchant.test/cb");
        String traceId = given().formParams(order).post(base + "/v1/payments").then().statusCode(200).extract().path("data.traceId");
        given().post(base + "/_simulator/payments/" + traceId + "/pay").then().statusCode(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 3);
        Thread.sleep(300);
        assertThat(received).as("two refusals, then SUCCESS, then nothing more").hasSize(3);
        JsonNode documented = DocumentedExample.examples(DocumentedExample.docs().resolve("payments--payment-callback.md")).get(0);
        JsonNode sent = JSON.readTree(received.get(0).body());
        assertThat(iterable(sent.fieldNames())).containsExactlyInAnyOrderElementsOf(iterable(documented.fieldNames()));
        assertThat(sent.path("orderId").asText()).isEqualTo(orderId);
        assertThat(sent.path("traceId").asText()).isEqualTo(traceId);
        assertThat(sent.path("payeeId").asText()).isEqualTo(CreationForm.PAYEE);
        assertThat(received.get(0).contentType()).startsWith("application/json");
        // 0 s, 15 s, 15 s on the page; 150 ms apart at the scale of 0.01.
        assertThat(received.get(1).atMs() - received.get(0).atMs()).isBetween(100L, 2000L);
        assertThat(received.get(2).atMs() - received.get(1).atMs()).isBetween(100L, 2000L);
        assertThat(given().get(base + "/_simulator/callbacks").jsonPath().getList("tries.delivered", Boolean.class))
                .containsExactly(false, false, true);
    }

    @Test
    void aFailedPaymentCallsBackAndSettleIsSentWhenSubscribed() throws Exception {
        String base = start();
        Map<String, String> failing = CreationForm.of("cbsimf_" + UUID.randomUUID().toString().substring(0, 8), CreationForm.ETH);
        failing.put("callbackUrl", "https://merchant.test/cb");
        String failed = given().formParams(failing).post(base + "/v1/payments").then().statusCode(200).extract().path("data.traceId");
        given().post(base + "/_simulator/payments/" + failed + "/fail").then().statusCode(200);
        Map<String, String> settling = CreationForm.of("cbsims_" + UUID.randomUUID().toString().substring(0, 8), CreationForm.ETH);
        settling.put("callbackUrl", "https://merchant.test/cb");
        settling.put("callbackEvent", "settle");
        String paid = given().formParams(settling).post(base + "/v1/payments").then().statusCode(200).extract().path("data.traceId");
        given().post(base + "/_simulator/payments/" + paid + "/pay").then().statusCode(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 3);
        assertThat(given().get(base + "/_simulator/callbacks").jsonPath().getList("tries.event", String.class))
                .containsExactlyInAnyOrder("fail", "success", "settle");
    }

    @Test
    void aCallbackUrlThatIsNotHttpsIsAParameterError() throws Exception {
        String base = start();
        Map<String, String> order = CreationForm.of("cbsimh_" + UUID.randomUUID().toString().substring(0, 8), CreationForm.ETH);
        order.put("callbackUrl", "http://merchant.test/cb");
        given().formParams(order).post(base + "/v1/payments").then().statusCode(200).body("code", org.hamcrest.Matchers.equalTo(1017));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> names) {
        List<T> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
