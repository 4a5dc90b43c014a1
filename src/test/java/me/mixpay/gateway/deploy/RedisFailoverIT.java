package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * A Redis failover under load: two packaged replicas on a Sentinel-managed primary and replica (three
 * sentinels, passwords of their own), in front of the rate-limited simulator, with creations resent to
 * the other replica, polls and look-ups running through both. The primary is killed (SIGKILL) or frozen
 * (SIGSTOP) mid-load. What must hold: no merchant sees a 5xx or a hang, MixPay sees no 1429 and no order
 * created twice, and both replicas are back on the shared budget, on the promoted node, within seconds.
 * The figures go to {@code target/redis-failover.txt}.
 */
// The second longest IT: failsafe starts it beside ClusterBudgetIT, so that the short ones fill the third
// thread instead of this one running alone at the end (pom.xml).
@Order(2)
class RedisFailoverIT {

    static final int LIMIT = 40;
    static final long WINDOW_MILLIS = 2000;
    static final long LOAD_MILLIS = 10_000;
    static final long FAULT_AFTER_MILLIS = 3_000;

    MixPaySimulator mixpay;
    SentinelGroup redis;
    PackagedGateway a;
    PackagedGateway b;

    @BeforeEach
    void start() throws Exception {
        mixpay = new MixPaySimulator(SimulatorSettings.defaults().withRateLimit(LIMIT, Duration.ofMillis(WINDOW_MILLIS)));
        mixpay.start(0);
        redis = SentinelGroup.start();
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl());
        env.put("GATEWAY_AUTH_ENABLED", "false");
        env.put("GATEWAY_BUDGET_LIMIT", Integer.toString(LIMIT));
        env.put("GATEWAY_BUDGET_WINDOW", WINDOW_MILLIS + "ms");
        env.put("GATEWAY_BUDGET_SEND_MARGIN", "250ms");
        env.put("GATEWAY_CLUSTER_MAX_REPLICAS", "2");
        env.put("GATEWAY_CLUSTER_REDIS_SENTINELS", redis.sentinelUrls());
        env.put("GATEWAY_CLUSTER_REDIS_MASTER_NAME", SentinelGroup.MASTER);
        env.put("GATEWAY_CLUSTER_REDIS_PASSWORD", SentinelGroup.NODE_PASSWORD);
        env.put("GATEWAY_CLUSTER_REDIS_SENTINEL_PASSWORD", SentinelGroup.SENTINEL_PASSWORD);
        a = PackagedGateway.start(env);
        b = PackagedGateway.start(env);
        for (PackagedGateway replica : List.of(a, b)) {
            SentinelGroup.await("replica on the shared budget", () -> onPrimary(replica, redis.primary.port()));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] { a, b, redis }) {
            if (started != null) {
                started.close();
            }
        }
        mixpay.stop();
    }

    @Test
    void aKilledPrimaryCostsNoMerchantAnErrorAndMixPayNoExtraCall() throws Exception {
        failover("SIGKILL", redis.primary::kill);
    }

    @Test
    void aFrozenPrimaryCostsNoMerchantAnErrorAndMixPayNoExtraCall() throws Exception {
        failover("SIGSTOP", redis.primary::pause);
    }

    interface Fault {
        void apply() throws Exception;
    }

    private void failover(String name, Fault fault) throws Exception {
        for (PackagedGateway replica : List.of(a, b)) {
            assertThat(replica.log()).as("no password in the log").doesNotContain(SentinelGroup.NODE_PASSWORD)
                    .doesNotContain(SentinelGroup.SENTINEL_PASSWORD);
        }
        long startedAt = System.currentTimeMillis();
        Load load = new Load();
        load.start();
        Thread.sleep(FAULT_AFTER_MILLIS);

        double confirmedBefore = unconfirmed();
        assertThat(confirmedBefore).as("durable writes the replica did not confirm while it was there").isZero();
        long faultAt = System.currentTimeMillis();
        fault.apply();
        int promoted = redis.replica.port();
        SentinelGroup.await("the sentinels promoted the replica", () -> redis.primaryPort() == promoted);
        long promotedAt = System.currentTimeMillis();
        SentinelGroup.await("both replicas on the promoted node's shared budget", () -> onPrimary(a, promoted) && onPrimary(b, promoted));
        long backAt = System.currentTimeMillis();
        load.finish();

        assertThat(load.errors).as("5xx answers and hangs").isEmpty();
        assertThat(load.mismatches).as("resends answered with another payment").isEmpty();
        JsonObject counts = GatewayCalls.journal(mixpay, startedAt).getJsonObject("counts");
        assertThat(counts.getLong("rateLimited")).as("1429 answers from MixPay").isZero();
        assertThat(counts.getLong("repeatedCreations")).as("orders MixPay was asked to create twice").isZero();
        assertThat(load.creations.get()).as("creations during the run").isGreaterThan(10);
        assertThat(backAt - promotedAt).as("ms from promotion to both replicas on it").isLessThan(5000);

        long localCalls = GatewayCalls.journal(mixpay, faultAt).getJsonArray("requests").stream().map(JsonObject.class::cast)
                .filter(r -> r.getLong("timeMs", 0L) <= backAt).count();
        double unconfirmed = unconfirmed();
        String figures = String.format("%s of the primary: promotion %d ms after it, both replicas back on the shared budget %d ms after it"
                + " (%d ms after the promotion); MixPay calls between the fault and the return (on local shares): %d;"
                + " merchant requests %d (creations %d, each resent to the other replica), 5xx or hangs %d, 1429 %d, repeated creations %d,"
                + " durable writes no replica confirmed (the promoted node has none until one joins) %.0f%n", name, promotedAt - faultAt, backAt - faultAt, backAt - promotedAt, localCalls,
                load.requests.get(), load.creations.get(), load.errors.size(), counts.getLong("rateLimited"), counts.getLong("repeatedCreations"),
                unconfirmed);
        System.out.print(figures);
        Files.writeString(Path.of("target", "redis-failover.txt"), figures, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        for (PackagedGateway replica : List.of(a, b)) {
            redisClientMetricsNamed(replica);
        }
    }

    /**
     * Vert.x' Redis client metrics are the gateway's, by role, after a failover too: not {@code m__current},
     * and no warning of a gauge registered twice (one per connection) in the log.
     */
    private static void redisClientMetricsNamed(PackagedGateway replica) throws Exception {
        String metrics = GatewayCalls.metrics(replica);
        for (String role : List.of("node", "sentinel")) {
            assertThat(metrics).as("Redis commands timed for the %s client", role)
                    .containsPattern("mixpay_gateway_redis_processing_seconds_count\\{clientName=\"" + role + "\",clientType=\"redis\"} [1-9]");
        }
        assertThat(metrics).as("unnamed client metrics").doesNotContainPattern("(?m)^m__");
        assertThat(replica.log()).doesNotContain("has been already registered");
    }

    private double unconfirmed() throws Exception {
        return GatewayCalls.metric(a, "mixpay_gateway_cluster_redis_unconfirmed_writes_total")
                + GatewayCalls.metric(b, "mixpay_gateway_cluster_redis_unconfirmed_writes_total");
    }

    private static boolean onPrimary(PackagedGateway replica, int port) throws Exception {
        JsonObject ready = GatewayCalls.budgetReadiness(replica);
        return "redis".equals(ready.getString("store")) && ready.getString("redisPrimary", "").endsWith(":" + port);
    }

    /** Merchants through both replicas until {@link #finish}: creations resent to the other replica, polls, look-ups. */
    final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger creations = new AtomicInteger();
        final Queue<String> errors = new ConcurrentLinkedQueue<>();
        final Queue<String> mismatches = new ConcurrentLinkedQueue<>();
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> workers;
        long until;

        void start() {
            until = System.currentTimeMillis() + LOAD_MILLIS;
            workers = List.of(threads.submit(() -> shop(a, b)), threads.submit(() -> shop(b, a)), threads.submit(() -> shop(a, b)),
                    threads.submit(this::lookUp));
        }

        /** Waits for the load's end (at least its planned length, so the run goes on after the return). */
        void finish() throws Exception {
            long left = until - System.currentTimeMillis();
            if (left > 0) {
                Thread.sleep(left);
            }
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
        }

        private void shop(PackagedGateway first, PackagedGateway other) {
            while (running.get()) {
                String orderId = "fo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
                Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
                HttpResponse<String> created = call(() -> GatewayCalls.post(first, "/v1/one_time_payment", order));
                // The merchant's resend (mixpayjs resends after its timeout) reaches the other replica.
                pause(300);
                HttpResponse<String> resent = call(() -> GatewayCalls.post(other, "/v1/one_time_payment", order));
                creations.incrementAndGet();
                if (created != null && resent != null && created.statusCode() == 200 && resent.statusCode() == 200
                        && !traceId(created).equals(traceId(resent))) {
                    mismatches.add(orderId + ": " + traceId(created) + " then " + traceId(resent));
                }
                call(() -> GatewayCalls.get(other, "/v1/payments_result?orderId=" + orderId + "&payeeId=" + CreationForm.PAYEE));
                pause(200);
            }
        }

        private void lookUp() {
            while (running.get()) {
                call(() -> GatewayCalls.get(a, "/v1/setting/payment_assets"));
                call(() -> GatewayCalls.get(b, "/v1/setting/quote_assets"));
                pause(100);
            }
        }

        private HttpResponse<String> call(Request request) {
            requests.incrementAndGet();
            try {
                HttpResponse<String> response = request.send();
                if (response.statusCode() >= 500) {
                    errors.add(response.statusCode() + " " + response.uri().getPath() + ": " + response.body());
                }
                return response;
            } catch (HttpTimeoutException hang) {
                errors.add("no answer within 20 s");
            } catch (Exception failed) {
                errors.add(failed.toString());
            }
            return null;
        }

        private static String traceId(HttpResponse<String> response) {
            return new JsonObject(response.body()).getJsonObject("data").getString("traceId", "");
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    interface Request {
        HttpResponse<String> send() throws Exception;
    }
}
