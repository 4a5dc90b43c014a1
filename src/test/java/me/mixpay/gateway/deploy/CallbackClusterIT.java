package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;
import me.mixpay.gateway.support.MerchantReceiver;

/**
 * Two packaged replicas sharing a real {@code redis-server}, each with its own public callback URL, which
 * the simulator maps to the other replica's port: every callback is received by the replica that did not
 * forward the creation, and must find the creation's record, and leave its verified answer, in Redis, where
 * the other replica's next poll finds it, and a poll waiting there hears of it. The last test kills a
 * replica holding an undelivered relay event; the other one delivers it. The one before stops Redis while a
 * callback comes: the event cannot be stored where it outlives the replica, so MixPay is told to try again. Merchant keys are required, as in
 * production: MixPay's callbacks carry none, and are received all the same.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallbackClusterIT {

    static final String SECRET = "it-callback-token-secret-0123456789abcdef";
    /** Merchants need their gateway key, as in production; MixPay's callbacks carry none and need none. */
    static final String KEY = "it-callback-merchant-key-0123456789";
    static java.nio.file.Path keys;
    static MixPaySimulator mixpay;
    static RedisProcess redis;
    static PackagedGateway a;
    static PackagedGateway b;
    static int merchantPort;

    @BeforeAll
    static void start() throws Exception {
        keys = java.nio.file.Files.createTempFile("merchant-keys", "");
        java.nio.file.Files.writeString(keys, "shop-callbacks:" + me.mixpay.gateway.auth.MerchantKeys.hashOf(KEY) + "\n");
        int portA = PackagedGateway.freePort();
        int portB = PackagedGateway.freePort();
        merchantPort = PackagedGateway.freePort();
        mixpay = new MixPaySimulator(SimulatorSettings.defaults().withRateLimit(1000, Duration.ofSeconds(60))
                .withCallbacks(0.01, List.of("https://a.gateway.test=http://127.0.0.1:" + portB,
                        "https://b.gateway.test=http://127.0.0.1:" + portA)));
        mixpay.start(0);
        redis = RedisProcess.start();
        List<PackagedGateway> replicas = PackagedGateway.startTogether(
                List.of(env(portA, "https://a.gateway.test"), env(portB, "https://b.gateway.test")));
        a = replicas.get(0);
        b = replicas.get(1);
    }

    private static Map<String, String> env(int port, String publicUrl) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_BUDGET_LIMIT", "1000", "GATEWAY_AUTH_KEYS_FILE", keys.toString(),
                "GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl(), "GATEWAY_CLUSTER_REDIS_URL", redis.url(),
                "GATEWAY_CALLBACKS_PUBLIC_URL", publicUrl, "GATEWAY_CALLBACKS_TOKEN_SECRET", SECRET));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_CALLBACKS_ALLOWED_TARGETS", "http://127.0.0.1:" + merchantPort);
        env.put("GATEWAY_CALLBACKS_SIGNING_SECRET", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        env.put("GATEWAY_CALLBACKS_DELIVERY_INITIAL_BACKOFF", "200ms");
        env.put("GATEWAY_CALLBACKS_DELIVERY_MAX_BACKOFF", "500ms");
        env.put("GATEWAY_CALLBACKS_DELIVERY_POLL_INTERVAL", "100ms");
        env.put("GATEWAY_CALLBACKS_DELIVERY_TIMEOUT", "2s");
        env.put("GATEWAY_CALLBACKS_DELIVERY_LEASE", "4s");
        env.put("GATEWAY_CALLBACKS_RECHECK_AFTER", "1s");
        return env;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] { a, b, redis }) {
            if (started != null) {
                started.close();
            }
        }
        if (mixpay != null) {
            mixpay.stop();
        }
        if (keys != null) {
            java.nio.file.Files.deleteIfExists(keys);
        }
    }

    @Test
    @Order(1)
    void aCallbackReceivedByOneReplicaMakesTheOthersNextPollAHit() throws Exception {
        String orderId = orderId();
        String traceId = create(orderId, null);
        String poll = "/v1/payments_result?orderId=" + orderId + "&payeeId=" + CreationForm.PAYEE;
        assertThat(new JsonObject(get(b, poll).body()).getJsonObject("data").getString("status")).isEqualTo("unpaid");
        assertThat(GatewayCalls.get(b, poll).statusCode()).as("a merchant without its key").isEqualTo(401);

        long paidAt = System.currentTimeMillis();
        pay(traceId);
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered(traceId));

        for (PackagedGateway replica : new PackagedGateway[] { a, b }) {
            HttpResponse<String> next = get(replica, poll);
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.headers().firstValue("X-Gateway-Cache")).as("replica on port " + replica.port).hasValue("hit");
            assertThat(new JsonObject(next.body()).getJsonObject("data").getString("status")).isEqualTo("success");
        }
        assertThat(calls("GET /v1/payments_result", paidAt)).as("payments_result calls after the payment").isEqualTo(1);
        // The replica that received it is the one that did not forward the creation.
        assertThat(metric(b, "mixpay_gateway_callbacks_verified_total{status=\"success\"}")).isEqualTo(1.0);
        assertThat(metric(a, "mixpay_gateway_callbacks_received_total")).isZero();
    }

    @Test
    @Order(2)
    void aPollWaitingOnOneReplicaIsAnsweredByTheCallbackTheOtherVerified() throws Exception {
        String orderId = orderId();
        String traceId = create(orderId, null);
        String poll = "/v1/payments_result?orderId=" + orderId + "&payeeId=" + CreationForm.PAYEE;
        // MixPay takes 8 s to answer this poll on replica a (the simulator's delay): it still waits for MixPay
        // when b verifies the payment's callback, and a hears of it from Redis at its next heartbeat. (A wait
        // for budget is the usual one; VerificationBudgetTest has it on one replica.)
        long since = System.currentTimeMillis();
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return get(a, poll, "X-Simulate-Delay-Ms", "8000");
            } catch (Exception failed) {
                throw new IllegalStateException(failed);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> calls("GET /v1/payments_result", since) == 1);
        double verifiedBefore = metric(b, "mixpay_gateway_callbacks_verified_total{status=\"success\"}");
        long paidAt = System.currentTimeMillis();
        pay(traceId);

        HttpResponse<String> answer = waiting.get(20, TimeUnit.SECONDS);
        long took = System.currentTimeMillis() - paidAt;
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Gateway-Cache")).hasValue("hit");
        assertThat(new JsonObject(answer.body()).getJsonObject("data").getString("status")).isEqualTo("success");
        assertThat(took).as("ms from the payment to the waiting poll's answer, against MixPay's 8 s").isLessThan(4000);
        assertThat(metric(b, "mixpay_gateway_callbacks_verified_total{status=\"success\"}")).isEqualTo(verifiedBefore + 1);
    }

    @Test
    @Order(3)
    void aCallbackWhoseEventRedisCannotKeepIsNotAcceptedAndMixPaysNextTryDeliversIt() throws Exception {
        String orderId = orderId();
        String traceId = create(orderId, "http://127.0.0.1:" + merchantPort + "/hooks/mixpay");
        // MixPay's post to replica a itself, which holds the payment's record in memory too: with Redis
        // stopped, a can check the payment but not store the merchant's event where it outlives a.
        String url = new JsonObject(GatewayCalls.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(mixpay.baseUrl() + "/_simulator/payments/" + traceId)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getString("callbackUrl");
        String path = url.substring(url.indexOf("/callbacks/mixpay/"));
        Map<String, String> ids = Map.of("orderId", orderId, "traceId", traceId, "payeeId", CreationForm.PAYEE);
        try (MerchantReceiver merchant = MerchantReceiver.start(merchantPort)) {
            redis.pause();
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> metric(a, "mixpay_gateway_cluster_redis_up") == 0);
                pay(traceId); // the simulator's own tries go to b, which cannot read the record: refused, tried again
                HttpResponse<String> whileDown = GatewayCalls.post(a, path, ids);
                assertThat(whileDown.statusCode()).as(whileDown.body()).isEqualTo(503);
                assertThat(whileDown.headers().firstValue("X-Gateway-Error")).hasValue("callback_unverified");
            } finally {
                redis.resume();
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> metric(a, "mixpay_gateway_cluster_redis_up") == 1);
            // MixPay's next try (here, the test's) past recheck-after is checked again and stored in Redis.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> GatewayCalls.post(a, path, ids).statusCode() == 200 || !merchant.postsFor(orderId).isEmpty());
            await().atMost(Duration.ofSeconds(20)).until(() -> !merchant.postsFor(orderId).isEmpty());
            Thread.sleep(500);
            assertThat(merchant.postsFor(orderId)).as("one event, however many tries reached the replicas").hasSize(1);
            assertThat(merchant.postsFor(orderId).get(0).json().getString("status")).isEqualTo("success");
        }
    }

    @Test
    @Order(4)
    void aRelayEventOfAKilledReplicaIsDeliveredByTheOther() throws Exception {
        String orderId = orderId();
        String traceId = create(orderId, "http://127.0.0.1:" + merchantPort + "/hooks/mixpay");
        double eventsBefore = metric(b, "mixpay_gateway_relay_events_total");
        double failedBefore = metric(b, "mixpay_gateway_relay_attempts_total{outcome=\"failed\"}");
        double deliveredBefore = metric(a, "mixpay_gateway_relay_attempts_total{outcome=\"delivered\"}");
        pay(traceId);
        // Replica b accepted and verified the callback; the merchant is not reachable yet, so b only fails.
        // Within MixPay's sixth try, which this scale (0.01) sends about 20 s after the first: a try b turned
        // away (Redis busy after the last test's pause, say) is MixPay's to repeat, as it is in production.
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> metric(b, "mixpay_gateway_relay_attempts_total{outcome=\"failed\"}") > failedBefore);
        } catch (org.awaitility.core.ConditionTimeoutException none) {
            throw new AssertionError("b never tried the relay; b's log:\n" + callbackLines(b), none);
        }
        assertThat(metric(b, "mixpay_gateway_relay_events_total")).isEqualTo(eventsBefore + 1);
        b.close(); // SIGKILL: no drain, no goodbye

        try (MerchantReceiver merchant = MerchantReceiver.start(merchantPort)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !merchant.postsFor(orderId).isEmpty());
            Thread.sleep(500);
            assertThat(merchant.postsFor(orderId)).hasSize(1);
            assertThat(merchant.postsFor(orderId).get(0).json().getString("status")).isEqualTo("success");
            assertThat(metric(a, "mixpay_gateway_relay_attempts_total{outcome=\"delivered\"}")).isEqualTo(deliveredBefore + 1);
        }
    }

    /** What a replica logged about callbacks and Redis, for a failure's message. */
    private static String callbackLines(PackagedGateway replica) {
        try {
            return replica.log().lines().filter(line -> line.contains("callback") || line.contains("Redis") || line.contains("relay"))
                    .collect(java.util.stream.Collectors.joining("\n"));
        } catch (java.io.IOException unreadable) {
            return unreadable.toString();
        }
    }

    private static String orderId() {
        return "cbit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** A one-time payment created through replica a; its traceId. */
    private static String create(String orderId, String callbackUrl) throws Exception {
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        if (callbackUrl != null) {
            order.put("callbackUrl", callbackUrl);
        }
        HttpResponse<String> created = post(a, "/v1/one_time_payment", order);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return new JsonObject(created.body()).getJsonObject("data").getString("code");
    }

    private static void pay(String traceId) throws Exception {
        GatewayCalls.pay(mixpay, traceId);
    }

    private static boolean delivered(String traceId) throws Exception {
        return GatewayCalls.callbackDelivered(mixpay, traceId);
    }

    private static long calls(String endpoint, long sinceMs) throws Exception {
        return GatewayCalls.calls(mixpay, endpoint, sinceMs);
    }

    private static double metric(PackagedGateway replica, String series) throws Exception {
        return GatewayCalls.metric(replica, series);
    }

    /** A merchant's GET, with its key. */
    private static HttpResponse<String> get(PackagedGateway replica, String target, String... headers) throws Exception {
        String[] keyed = java.util.Arrays.copyOf(headers, headers.length + 2);
        keyed[headers.length] = "X-Gateway-Key";
        keyed[headers.length + 1] = KEY;
        return GatewayCalls.get(replica, target, keyed);
    }

    private static HttpResponse<String> post(PackagedGateway replica, String path, Map<String, String> form) throws Exception {
        return GatewayCalls.post(replica, path, form, "X-Gateway-Key", KEY);
    }
}
