package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.auth.MerchantKeys;
import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * A payment creation resent to another replica behaves as one resent to the same replica: two packaged
 * gateways sharing a real {@code redis-server}, in front of the simulator. The payments group makes one
 * attempt here, so the first replica hands its ambiguous failure to the merchant, who resends to the
 * other. What MixPay saw is read from the simulator's journal.
 */
class ExactlyOnceClusterIT {

    static final String KEY = "ks_5e4d3c2b1a09f8e7d6c5b4a392817060";

    static ClusterOfTwo cluster;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterOfTwo.start(SimulatorSettings.defaults().withRateLimit(0, Duration.ofSeconds(60)),
                Map.of("GATEWAY_AUTH_MERCHANTS_SHOP", MerchantKeys.hashOf(KEY), "GATEWAY_ROUTES_PAYMENTS_RETRY_MAX_ATTEMPTS", "1"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void aCreationResetAfterSendingOnAAndResentToBIsMadeOnceAndAnsweredWithItsTraceId() throws Exception {
        String orderId = orderId();

        HttpResponse<String> failed = create(cluster.a, orderId, "reset-after-creation");
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
        assertThat(new JsonObject(failed.body()).getJsonObject("gateway").getString("error")).isEqualTo("upstream_reset");

        HttpResponse<String> resent = create(cluster.b, orderId, null);
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        assertThat(resent.headers().firstValue("X-Gateway-Idempotency")).hasValue("reconciled");
        List<JsonObject> arrivals = creationsArrived(orderId);
        assertThat(arrivals).as("creations that reached MixPay").hasSize(1);
        String traceId = arrivals.get(0).getString("traceId");
        assertThat(new JsonObject(resent.body()).getJsonObject("data").getString("traceId")).isEqualTo(traceId);

        HttpResponse<String> again = create(cluster.a, orderId, null);
        assertThat(again.headers().firstValue("X-Gateway-Idempotency")).hasValue("replay");
        assertThat(new JsonObject(again.body()).getJsonObject("data").getString("traceId")).isEqualTo(traceId);
        assertThat(creationsArrived(orderId)).hasSize(1);
    }

    @Test
    void aCreationResetBeforeMixPayMadeItIsSentOnceMoreByTheOtherReplicaAndOnlyOnce() throws Exception {
        String orderId = orderId();

        HttpResponse<String> failed = create(cluster.a, orderId, "reset");
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);

        HttpResponse<String> resent = create(cluster.b, orderId, null);
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        String traceId = new JsonObject(resent.body()).getJsonObject("data").getString("traceId");
        List<JsonObject> arrivals = creationsArrived(orderId);
        assertThat(arrivals).as("the reset one, then the one sent after MixPay said it had no such payment").hasSize(2);
        assertThat(arrivals.get(0).getString("traceId")).as("the reset one created nothing").isNull();
        assertThat(arrivals.get(1).getString("traceId")).isEqualTo(traceId);

        for (PackagedGateway replica : List.of(cluster.a, cluster.b)) {
            HttpResponse<String> again = create(replica, orderId, null);
            assertThat(again.headers().firstValue("X-Gateway-Idempotency")).hasValue("replay");
            assertThat(new JsonObject(again.body()).getJsonObject("data").getString("traceId")).isEqualTo(traceId);
        }
        assertThat(creationsArrived(orderId)).hasSize(2);
    }

    @Test
    void theSameCreationOnBothReplicasAtOnceReachesMixPayOnce() throws Exception {
        String orderId = orderId();

        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> createQuietly(cluster.a, orderId, "1500"));
        Thread.sleep(300);
        HttpResponse<String> second = create(cluster.b, orderId, null);
        HttpResponse<String> firstReply = first.get();

        assertThat(firstReply.statusCode()).as(firstReply.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(second.headers().firstValue("X-Gateway-Idempotency")).hasValue("replay");
        assertThat(second.body()).isEqualTo(firstReply.body());
        assertThat(creationsArrived(orderId)).hasSize(1);
    }

    @Test
    void withRedisDownAReplicaKeepsKeysItselfAndNoRequestFails() throws Exception {
        String orderId = orderId();
        cluster.redis.kill();
        try {
            HttpResponse<String> first = create(cluster.a, orderId, null);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            HttpResponse<String> again = create(cluster.a, orderId, null);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.headers().firstValue("X-Gateway-Idempotency")).as("kept on A").hasValue("replay");
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(creationsArrived(orderId)).hasSize(1);
        } finally {
            cluster.redis.startAgain();
            for (PackagedGateway replica : List.of(cluster.a, cluster.b)) {
                awaitRedisUp(replica);
            }
        }
    }

    // ---- helpers ----

    private static void awaitRedisUp(PackagedGateway replica) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.lines().anyMatch(line -> line.equals("mixpay_gateway_cluster_redis_up 1.0"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Redis never came back for " + replica.url("/"));
    }

    private static String orderId() {
        return "ci_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /** A creation, with a simulator fault (or delay, when it is a number) for this attempt only. */
    private static HttpResponse<String> create(PackagedGateway replica, String orderId, String fault)
            throws IOException, InterruptedException {
        Map<String, String> form = CreationForm.of(orderId, CreationForm.ETH);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url("/v1/payments"))).timeout(Duration.ofSeconds(30))
                .header("X-Gateway-Key", KEY).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))));
        if (fault != null) {
            request.header(fault.chars().allMatch(Character::isDigit) ? "X-Simulate-Delay-Ms" : "X-Simulate-Fault", fault);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> createQuietly(PackagedGateway replica, String orderId, String fault) {
        try {
            return create(replica, orderId, fault);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creation requests for this order that reached MixPay, in arrival order (traceId null: nothing was made). */
    private static List<JsonObject> creationsArrived(String orderId) throws IOException, InterruptedException {
        JsonArray requests = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(cluster.mixpay.baseUrl() + "/_simulator/requests")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("requests");
        List<JsonObject> entries = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            JsonObject entry = requests.getJsonObject(i);
            if (orderId.equals(entry.getString("orderId"))) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
