package me.mixpay.gateway;

import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

import me.mixpay.gateway.support.ChaosUpstream;

/**
 * 20,000 requests from 64 concurrent clients, half of them payment creations with unique order ids,
 * against an upstream that fails at random in every way it can. Nothing may be lost, no payment may be
 * sent twice, every failure must be an envelope, and the gateway must come back to its resting state.
 */
@QuarkusTest
@TestProfile(ChaosTest.Chaos.class)
class ChaosTest {

    private static final int REQUESTS = 20_000;
    private static final int CLIENTS = 64;

    public static class Chaos implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new java.util.HashMap<>();
            config.put("gateway.upstream.read-timeout", "400ms");
            config.put("gateway.upstream.max-connections", "128");
            // Idle connections (ours to the upstream, the client's to us) close quickly, so the test can
            // watch them return to the resting level.
            config.put("gateway.upstream.idle-timeout", "2s");
            config.put("quarkus.http.idle-timeout", "3s");
            for (String group : List.of("payments", "payment-results")) {
                config.put("gateway.routes." + group + ".timeout.attempt", "300ms");
                config.put("gateway.routes." + group + ".timeout.overall", "3s");
                config.put("gateway.routes." + group + ".retry.initial-delay", "5ms");
                config.put("gateway.routes." + group + ".retry.jitter", "5ms");
                config.put("gateway.routes." + group + ".retry.budget-ratio", "0.5");
                // Breakers stay on but open rarely, so most requests meet the upstream's faults.
                config.put("gateway.routes." + group + ".circuit-breaker.request-volume", "200");
                config.put("gateway.routes." + group + ".circuit-breaker.failure-ratio", "0.95");
                config.put("gateway.routes." + group + ".circuit-breaker.delay", "100ms");
                config.put("gateway.routes." + group + ".circuit-breaker.maintenance-delay", "50ms");
                config.put("gateway.routes." + group + ".bulkhead.max-concurrent", "96");
            }
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ChaosUpstream.class));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(240)
    void nothingLostNothingDuplicatedEveryFailureAnEnvelope() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://localhost:" + RestAssured.port;
        warmUp(http, base);
        long baselineFds = openFileDescriptors();
        long baselineHeap = heapAfterGc();

        Semaphore slots = new Semaphore(CLIENTS);
        List<CompletableFuture<Object>> outcomes = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            slots.acquire();
            HttpRequest request = i % 2 == 0
                    ? HttpRequest.newBuilder(URI.create(base + "/v1/payments")).timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("orderId=chaos-" + i + "&quoteAmount=1")).build()
                    : HttpRequest.newBuilder(URI.create(base + "/v1/payments_result?traceId=t-" + i)).timeout(Duration.ofSeconds(20))
                            .build();
            outcomes.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((reply, failure) -> failure != null ? (Object) failure : reply)
                    .whenComplete((x, y) -> slots.release()));
        }
        assertThat(slots.tryAcquire(CLIENTS, 120, TimeUnit.SECONDS)).isTrue();
        slots.release(CLIENTS);

        int replies = 0;
        int envelopesFromGateway = 0;
        List<String> lost = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        for (CompletableFuture<Object> outcome : outcomes) {
            Object result = outcome.get();
            if (!(result instanceof HttpResponse<?> reply)) {
                lost.add(String.valueOf(result));
                continue;
            }
            replies++;
            JsonNode body;
            try {
                body = json.readTree((String) reply.body());
            } catch (Exception notJson) {
                malformed.add(reply.statusCode() + " " + reply.body());
                continue;
            }
            boolean envelope = body != null && body.has("code") && body.path("code").isIntegralNumber()
                    && body.has("success") && body.has("message");
            boolean failed = reply.statusCode() >= 400 || (envelope && !body.path("success").asBoolean());
            if (failed && !envelope) {
                malformed.add(reply.statusCode() + " " + reply.body());
            }
            if (body != null && body.has("gateway")) {
                envelopesFromGateway++;
            }
        }
        Map<ChaosUpstream.Fault, LongAdder> injected = ChaosUpstream.INJECTED;
        long duplicates = ChaosUpstream.ORDERS.values().stream().filter(count -> count.get() > 1).count();
        System.out.printf("chaos: %d requests, %d replies, %d lost, %d gateway envelopes, faults injected %s, "
                + "payment orders seen upstream %d, duplicates %d%n", REQUESTS, replies, lost.size(), envelopesFromGateway,
                injected, ChaosUpstream.ORDERS.size(), duplicates);

        assertThat(lost).as("requests without a reply").isEmpty();
        assertThat(replies).isEqualTo(REQUESTS);
        assertThat(malformed).as("failures that were not envelopes").isEmpty();
        assertThat(duplicates).as("payment order ids that reached MixPay twice").isZero();
        assertThat(injected.keySet()).containsExactlyInAnyOrder(ChaosUpstream.Fault.values());
        assertThat(ChaosUpstream.ORDERS.values().stream().mapToInt(AtomicInteger::get).max().orElse(0)).isEqualTo(1);

        // Back to rest: idle connections close on both sides and memory returns to its level.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    System.gc();
                    return openFileDescriptors() <= baselineFds + 16;
                });
        assertThat(heapAfterGc()).as("heap after GC, against %d before", baselineHeap).isLessThan(baselineHeap + 64L * 1024 * 1024);
        management().get("/q/health/ready").then().statusCode(200);
    }

    private static void warmUp(HttpClient http, String base) throws Exception {
        for (int i = 0; i < 200; i++) {
            http.send(HttpRequest.newBuilder(URI.create(base + "/v1/payments_result?traceId=warm-" + i)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static long openFileDescriptors() {
        return ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getOpenFileDescriptorCount();
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
