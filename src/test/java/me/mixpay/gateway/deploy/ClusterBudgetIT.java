package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.auth.MerchantKeys;
import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * Two packaged gateway replicas sharing a real {@code redis-server}, in front of the simulator with
 * MixPay's rate limit on, scaled down to 10 calls per 3 s (critical 10, normal 7, low 5). What MixPay
 * saw is read from the simulator's own journal, never from the gateways.
 */
@ResourceLock(ClusterBudgetIT.MIXPAY_WINDOWS)
// The longest IT: failsafe starts it first, and runs the others beside it (pom.xml).
@Order(1)
class ClusterBudgetIT {

    static final int LIMIT = 10;
    static final long WINDOW_MILLIS = 3000;
    /**
     * Twice the shipped 250 ms, as in BudgetTest: the margin is for the delay between a grant and MixPay's
     * clock, which here is the machine's, and other ITs' processes start beside these (failsafe runs two
     * classes at a time).
     */
    static final long MARGIN_MILLIS = 500;
    /** The IT classes that count MixPay's windows: the load of one must not delay the other's calls. */
    static final String MIXPAY_WINDOWS = "MixPay's windows, measured at MixPay";
    static final String KEY_POLLER = "kp_0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    static final String KEY_SHOP = "ks_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    static final String PAYEE = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";

    static ClusterOfTwo cluster;
    static MixPaySimulator mixpay;
    static RedisProcess redis;
    static PackagedGateway a;
    static PackagedGateway b;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final AtomicInteger ORDERS = new AtomicInteger();
    /** The replicas' environment; a test may start another replica from it. */
    static final Map<String, String> ENV = new HashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        Map<String, String> env = ENV;
        env.put("GATEWAY_BUDGET_LIMIT", Integer.toString(LIMIT));
        env.put("GATEWAY_BUDGET_WINDOW", WINDOW_MILLIS + "ms");
        env.put("GATEWAY_BUDGET_SEND_MARGIN", MARGIN_MILLIS + "ms");
        // The shares these tests count with (of 10: creations keep 3, polls 2), whatever the defaults.
        env.put("GATEWAY_BUDGET_CRITICAL_RESERVE", "0.25");
        env.put("GATEWAY_BUDGET_NORMAL_RESERVE", "0.25");
        env.put("GATEWAY_AUTH_MERCHANTS_POLLER", MerchantKeys.hashOf(KEY_POLLER));
        env.put("GATEWAY_AUTH_MERCHANTS_SHOP", MerchantKeys.hashOf(KEY_SHOP));
        // Every request here must be a MixPay call: what the cache saves is ClusterCacheIT's.
        env.put("GATEWAY_ROUTES_SETTINGS_CACHE_TTL", "0s");
        env.put("GATEWAY_ROUTES_PAYMENT_RESULTS_POLL_ENABLED", "false");
        env.put("GATEWAY_CACHE_COALESCE", "false");
        // Polls and look-ups wait for budget at most two counted windows (as in BudgetTest), not the shipped
        // 15 s: a test that sends more than the budget then ends a few windows sooner, with every window it
        // filled still counted at MixPay. Creations keep the shipped time.
        for (String group : List.of("PAYMENT_RESULTS", "SETTINGS")) {
            env.put("GATEWAY_ROUTES_" + group + "_TIMEOUT_OVERALL", 2 * (WINDOW_MILLIS + MARGIN_MILLIS) + "ms");
        }
        // The maintenance test opens `settings`; it must close again before the next test.
        env.put("GATEWAY_ROUTES_SETTINGS_CIRCUIT_BREAKER_MAINTENANCE_DELAY", "3s");
        cluster = ClusterOfTwo.start(SimulatorSettings.defaults().withRateLimit(LIMIT, Duration.ofMillis(WINDOW_MILLIS)), env);
        mixpay = cluster.mixpay;
        redis = cluster.redis;
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void freshWindow() throws Exception {
        // The budget's window (with its margin) and the simulator's own have both passed.
        awaitCountedWindowPassed();
        mixpay.reset();
    }

    @Test
    void fiveTimesTheBudgetThroughTwoReplicasNeverMeetsMixPaysLimit() throws Exception {
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 5 * LIMIT; i++) {
            PackagedGateway replica = i % 2 == 0 ? a : b;
            String kind = i % 5 == 0 ? "create" : i % 5 < 3 ? "poll" : "list";
            calls.add(() -> send(replica, KEY_SHOP, kind));
        }
        List<HttpResponse<String>> replies = runAll(calls);

        for (int i = 0; i < replies.size(); i++) {
            HttpResponse<String> reply = replies.get(i);
            if (i % 5 == 0) {
                assertThat(reply.statusCode()).as("creation %d: %s", i, reply.body()).isEqualTo(200);
                assertThat(new JsonObject(reply.body()).getInteger("code")).isEqualTo(0);
            } else {
                assertThat(reply.statusCode()).as(reply.body()).isIn(200, 429);
                if (reply.statusCode() == 429) {
                    JsonObject envelope = new JsonObject(reply.body());
                    assertThat(envelope.getInteger("code")).isEqualTo(1429);
                    assertThat(envelope.getJsonObject("gateway").getString("error")).isEqualTo("budget_exhausted");
                    assertThat(reply.headers().firstValue("Retry-After")).isPresent();
                }
            }
        }
        assertMixPaySawAtMostTheLimitPerWindowAndNo1429();
    }

    @Test
    void oneMerchantPollingHardDoesNotStarveAnothersCreations() throws Exception {
        List<Callable<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            PackagedGateway replica = i % 2 == 0 ? a : b;
            polls.add(() -> send(replica, KEY_POLLER, "poll"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(40);
        List<Future<HttpResponse<String>>> polling = new ArrayList<>();
        for (Callable<HttpResponse<String>> poll : polls) {
            polling.add(pool.submit(poll));
        }
        Thread.sleep(300);
        for (int i = 0; i < 3; i++) {
            PackagedGateway replica = i % 2 == 0 ? a : b;
            long start = System.nanoTime();
            HttpResponse<String> created = send(replica, KEY_SHOP, "create");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            // Polls never take the creations' reserve (3 of 10): a creation never waits behind them.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(WINDOW_MILLIS);
        }
        for (Future<HttpResponse<String>> poll : polling) {
            poll.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertMixPaySawAtMostTheLimitPerWindowAndNo1429();
    }

    @Test
    void lookUpsThroughBothReplicasSpendTheRoomPollsLeaveButNeverTheCreationsReserve() throws Exception {
        // Of 10: creations keep 3, polls 2. Two polls use the polls' reserve, so the look-ups may have the
        // 5 calls nobody holds (a fixed fill of half the window would have let 3 go).
        assertThat(send(a, KEY_SHOP, "poll").statusCode()).isEqualTo(200);
        assertThat(send(b, KEY_SHOP, "poll").statusCode()).isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<HttpResponse<String>>> lookups = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            PackagedGateway replica = i % 2 == 0 ? a : b;
            lookups.add(pool.submit(() -> send(replica, KEY_POLLER, "list")));
        }
        // Each replica lets a low call go once per spacing (the window's spacing of 10 calls between two,
        // 600 ms): the five have gone after two spacings. Counted before the polls leave the window (with
        // the send margin), after which look-ups may go again.
        long pollsSeen = journal().stream().mapToLong(entry -> entry.getLong("timeMs")).min().orElseThrow();
        Thread.sleep(Math.max(0, pollsSeen + WINDOW_MILLIS - 500 - System.currentTimeMillis()));
        assertThat(journal().stream().filter(entry -> entry.getString("path", "").startsWith("/v1/setting/")).count())
                .as("look-ups MixPay saw in the first window").isEqualTo(5);
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            HttpResponse<String> created = send(i % 2 == 0 ? a : b, KEY_SHOP, "create");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("the reserve was kept: no wait")
                    .isLessThan(WINDOW_MILLIS / 2);
        }
        for (Future<HttpResponse<String>> lookup : lookups) {
            assertThat(lookup.get(30, TimeUnit.SECONDS).statusCode()).isIn(200, 429);
        }
        pool.shutdown();
        assertMixPaySawAtMostTheLimitPerWindowAndNo1429();
    }

    @Test
    void aMaintenanceCodeSeenByOneReplicaOpensTheGroupOnTheOtherWithinASecond() throws Exception {
        HttpResponse<String> maintenance = HTTP.send(request(a, KEY_SHOP, "/v1/setting/payment_assets")
                .header("X-Simulate-Code", "10008").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(maintenance.body()).getInteger("code")).isEqualTo(10008);
        long seen = journal().size();

        Thread.sleep(1000);
        HttpResponse<String> replayed = send(b, KEY_SHOP, "list");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(503);
        assertThat(replayed.headers().firstValue("X-Gateway-Circuit")).hasValue("open");
        JsonObject envelope = new JsonObject(replayed.body());
        assertThat(envelope.getInteger("code")).as("MixPay's notice, replayed").isEqualTo(10008);
        assertThat(envelope.getJsonObject("gateway").getString("error")).isEqualTo("circuit_open");
        assertThat(journal().size()).as("B did not call MixPay").isEqualTo(seen);
        // The notice lapses with the group's maintenance delay (3 s here).
        Thread.sleep(3000);
        assertThat(send(b, KEY_SHOP, "list").statusCode()).isEqualTo(200);
        // A's own maintenance breaker is half-open now and lets one trial through at a time; its trial closes
        // it, so the next test does not meet concurrent calls refused by a breaker this test opened.
        assertThat(send(a, KEY_SHOP, "list").statusCode()).isEqualTo(200);
    }

    @Test
    void redisKilledDuringLoadAndRestartedCostsNoRequestAndMixPayStillSeesNo1429() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<HttpResponse<String>> replies = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(14);
        List<Future<?>> load = new ArrayList<>();
        for (int worker = 0; worker < 8; worker++) {
            int w = worker;
            load.add(pool.submit(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    PackagedGateway replica = (w + n) % 2 == 0 ? a : b;
                    String kind = n % 4 == 0 ? "create" : n % 4 == 1 ? "poll" : "list";
                    try {
                        replies.add(send(replica, KEY_SHOP, kind));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    n++;
                }
                return null;
            }));
        }
        Thread.sleep(3000);
        redis.kill();
        Thread.sleep(5000);
        redis.startAgain();
        for (Future<?> worker : load) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(replies).isNotEmpty();
        assertThat(replies.stream().filter(r -> r.statusCode() >= 500).map(HttpResponse::body).toList())
                .as("no 5xx because Redis went away").isEmpty();
        assertThat(replies.stream().map(HttpResponse::statusCode).collect(Collectors.toSet())).isSubsetOf(200, 429);
        assertMixPaySawAtMostTheLimitPerWindowAndNo1429();
        for (PackagedGateway replica : List.of(a, b)) {
            awaitMetric(replica, "mixpay_gateway_cluster_redis_up", 1.0);
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/health/ready"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(replica.log()).contains("Redis is unreachable").contains("Redis is reachable again");
        }
    }

    @Test
    void redisBackEmptyAfterAnOutageAddsNoCallToAWindowTheSharesFilled() throws Exception {
        // Two replicas of their own, which learn that Redis is back on a heartbeat, here 3 s apart: on the
        // old code what they sent while it was away reached Redis only on the heartbeat after that.
        Map<String, String> env = new HashMap<>(ENV);
        env.put("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl());
        env.put("GATEWAY_CLUSTER_REDIS_URL", redis.url());
        env.put("GATEWAY_CLUSTER_MAX_REPLICAS", "2");
        env.put("GATEWAY_CLUSTER_HEARTBEAT", "3s");
        List<PackagedGateway> replicas = PackagedGateway.startTogether(List.of(env, env));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            redis.kill();
            for (PackagedGateway replica : replicas) {
                awaitBudgetStore(replica, "local-share");
            }
            mixpay.reset();
            // Look-ups, paced, spread each replica's share over the window while Redis is away, and go on.
            ConcurrentLinkedQueue<HttpResponse<String>> replies = new ConcurrentLinkedQueue<>();
            AtomicBoolean looking = new AtomicBoolean(true);
            List<Future<?>> lookups = new ArrayList<>();
            for (int worker = 0; worker < 8; worker++) {
                PackagedGateway replica = replicas.get(worker % 2);
                lookups.add(pool.submit(() -> {
                    while (looking.get()) {
                        replies.add(send(replica, KEY_POLLER, "list"));
                    }
                    return null;
                }));
            }
            Thread.sleep(WINDOW_MILLIS + MARGIN_MILLIS);
            redis.startAgain();
            for (PackagedGateway replica : replicas) {
                awaitMetric(replica, "mixpay_gateway_cluster_redis_up", 1.0);
            }
            // Back, and empty: creations (never paced) must still find the window the look-ups half filled.
            List<Future<HttpResponse<String>>> creations = new ArrayList<>();
            for (int i = 0; i < 2 * LIMIT; i++) {
                PackagedGateway replica = replicas.get(i % 2);
                creations.add(pool.submit(() -> send(replica, KEY_SHOP, "create")));
            }
            for (Future<HttpResponse<String>> creation : creations) {
                replies.add(creation.get(60, TimeUnit.SECONDS));
            }
            looking.set(false);
            for (Future<?> worker : lookups) {
                worker.get(60, TimeUnit.SECONDS);
            }

            assertThat(replies.stream().map(HttpResponse::statusCode).collect(Collectors.toSet())).isSubsetOf(200, 429);
            assertMixPaySawAtMostTheLimitPerWindowAndNo1429();
        } finally {
            pool.shutdownNow();
            for (PackagedGateway replica : replicas) {
                replica.close();
            }
        }
    }

    @Test
    void aLowerLimitOneReplicaHeardFromMixPayIsTheOneEveryReplicaSharesWhileRedisIsAway() throws Exception {
        // MixPay allows 6 where the gateway is configured for 10. B learns it through Redis, from A (and from
        // MixPay's replies repeating it, which are no news to Redis): its share without Redis is 6 / 2.
        Map<String, String> env = new HashMap<>(ENV);
        env.put("GATEWAY_CLUSTER_MAX_REPLICAS", "2");
        env.put("GATEWAY_ROUTES_PAYMENTS_TIMEOUT_OVERALL", "2s");
        int mixpayLimit = 6;
        try (ClusterOfTwo lower = ClusterOfTwo.start(SimulatorSettings.defaults().withRateLimit(mixpayLimit, Duration.ofMillis(WINDOW_MILLIS)), env)) {
            assertThat(send(lower.a, KEY_SHOP, "list").statusCode()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                assertThat(send(lower.b, KEY_SHOP, "list").statusCode()).isEqualTo(200);
            }
            lower.redis.kill();
            JsonObject details = awaitBudgetStore(lower.b, "local-share");
            assertThat(details.getInteger("limit")).as("B's share: MixPay's limit, not the configured one, divided").isEqualTo(mixpayLimit / 2);
            // Past MixPay's window and the counted one: B alone spends its share, no more, per window.
            Thread.sleep(WINDOW_MILLIS + MARGIN_MILLIS + 200);
            lower.mixpay.reset();
            List<Callable<HttpResponse<String>>> creations = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                creations.add(() -> send(lower.b, KEY_SHOP, "create"));
            }
            runAll(creations);
            List<JsonObject> seen = journal(lower.mixpay);
            assertThat(seen).hasSizeGreaterThanOrEqualTo(mixpayLimit / 2);
            assertAtMostPerWindow(seen, mixpayLimit / 2, WINDOW_MILLIS);
        }
    }

    @Test
    void aReplicaThatStartsWithoutRedisSpendsOnlyTheLimitDividedByMaxReplicasAndSaysLocalShare() throws Exception {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl());
        // Redis' address, but nothing listens there: the replica never sees the cluster.
        env.put("GATEWAY_CLUSTER_REDIS_URL", "redis://127.0.0.1:" + unusedPort());
        env.put("GATEWAY_CLUSTER_MAX_REPLICAS", "4");
        // Creations that cannot be served within 2 s (the next room is a window away) are refused at once
        // rather than waiting 15 s.
        env.put("GATEWAY_ROUTES_PAYMENTS_TIMEOUT_OVERALL", "2s");
        int share = LIMIT / 4;
        try (PackagedGateway alone = PackagedGateway.start(env)) {
            JsonObject details = awaitBudgetStore(alone, "local-share");
            assertThat(details.getInteger("limit")).as("the share in force, not the whole limit").isEqualTo(share);
            awaitMetric(alone, "mixpay_gateway_budget_limit", share);

            List<Callable<HttpResponse<String>>> creations = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                creations.add(() -> send(alone, KEY_SHOP, "create"));
            }
            List<HttpResponse<String>> replies = runAll(creations);

            assertThat(replies.stream().map(HttpResponse::statusCode).collect(Collectors.toSet())).isSubsetOf(200, 429);
            assertThat(replies.stream().filter(r -> r.statusCode() == 200).count()).as("the share was spent").isGreaterThanOrEqualTo(share);
            List<JsonObject> seen = journal();
            assertThat(seen).hasSizeGreaterThanOrEqualTo(share);
            assertAtMostPerWindow(seen, share, WINDOW_MILLIS);
            assertThat(alone.log()).contains("Redis is unreachable");
        }
    }

    @Test
    void aLowRemainingFromMixPaySlowsBothReplicasAndA1429PausesBoth() throws Exception {
        // Another client behind the same address spends 8 of MixPay's 10 calls.
        for (int i = 0; i < LIMIT - 2; i++) {
            HTTP.send(HttpRequest.newBuilder(URI.create(mixpay.baseUrl() + "/v1/setting/quote_assets")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(send(a, KEY_SHOP, "create").statusCode()).isEqualTo(200);
        // A learned that only one call is left and told Redis: B's creation waits for the window.
        long start = System.nanoTime();
        assertThat(send(b, KEY_SHOP, "create").statusCode()).isEqualTo(200);
        HttpResponse<String> second = send(b, KEY_SHOP, "create");
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(waited).isGreaterThan(WINDOW_MILLIS / 2);
        assertThat(rateLimitedByMixPay()).isZero();

        awaitCountedWindowPassed();
        mixpay.reset();
        // The other client spends the whole window: the next call through A meets MixPay's 1429.
        for (int i = 0; i < LIMIT; i++) {
            HTTP.send(HttpRequest.newBuilder(URI.create(mixpay.baseUrl() + "/v1/setting/quote_assets")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        HttpResponse<String> limited = send(a, KEY_SHOP, "list");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(limited.body()).getJsonObject("gateway").getString("error")).isEqualTo("budget_exhausted");
        long limitedAt = journal().stream().filter(entry -> Long.valueOf(1429).equals(entry.getLong("code")))
                .mapToLong(entry -> entry.getLong("timeMs")).max().orElseThrow();
        Thread.sleep(1000);
        // B has heard of the pause through Redis: its call waits out MixPay's window before it goes.
        HttpResponse<String> paused = send(b, KEY_SHOP, "list");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        List<Long> after = journal().stream().map(entry -> entry.getLong("timeMs")).filter(t -> t > limitedAt).toList();
        assertThat(after).hasSize(1);
        assertThat(after.get(0) - limitedAt).isGreaterThanOrEqualTo(WINDOW_MILLIS);
    }

    @Test
    void theShippedGatewayReportsBulkheadsItselfWithSmallRyesOwnMetersOff() throws Exception {
        assertThat(send(a, KEY_SHOP, "list").statusCode()).isEqualTo(200);
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(a.management("/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("mixpay_gateway_bulkhead_running{route=\"settings\"}")
                .contains("mixpay_gateway_bulkhead_waiting{route=\"settings\"}");
        assertThat(metrics.lines().filter(line -> line.startsWith("ft_")).toList()).isEmpty();
    }

    // ---- helpers ----

    /**
     * Until the last call MixPay saw is a counted window (the window and its send margin) old, with 200 ms
     * to spare. Every call a replica let go reached MixPay, and a reply that filled or paused the budget
     * (a low remaining, a 1429) is one MixPay sent, so by then nothing of what came before is counted and
     * no pause holds; waiting from the last call rather than from the end of a test spares the time a test
     * spent after it (refusals at their deadline, a replica stopping, checks).
     */
    private static void awaitCountedWindowPassed() throws IOException, InterruptedException {
        long lastCall = journal().stream().mapToLong(entry -> entry.getLong("timeMs")).max().orElse(0);
        Thread.sleep(Math.max(0, lastCall + WINDOW_MILLIS + MARGIN_MILLIS + 200 - System.currentTimeMillis()));
    }

    private static List<JsonObject> journal() throws IOException, InterruptedException {
        return journal(mixpay);
    }

    /** What MixPay saw since the last reset, from the simulator's own journal. */
    static List<JsonObject> journal(MixPaySimulator mixpay) throws IOException, InterruptedException {
        JsonArray requests = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(mixpay.baseUrl() + "/_simulator/requests")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("requests");
        List<JsonObject> entries = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            entries.add(requests.getJsonObject(i));
        }
        return entries;
    }

    private static List<HttpResponse<String>> runAll(List<Callable<HttpResponse<String>>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        List<HttpResponse<String>> replies = new ArrayList<>();
        for (Future<HttpResponse<String>> reply : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
            replies.add(reply.get());
        }
        pool.shutdown();
        return replies;
    }

    static HttpResponse<String> send(PackagedGateway replica, String key, String kind) throws IOException, InterruptedException {
        HttpRequest request = switch (kind) {
            case "create" -> request(replica, key, "/v1/one_time_payment")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("payeeId", PAYEE,
                            "orderId", "order-" + ORDERS.incrementAndGet() + "-" + System.nanoTime() % 100000,
                            "quoteAssetId", "usd", "quoteAmount", "10", "settlementAssetId", "c6d0c728-2624-429b-8e0d-d9d19b6592fa"))))
                    .build();
            case "poll" -> request(replica, key, "/v1/payments_result?orderId=order-0001&payeeId=" + PAYEE).GET().build();
            default -> request(replica, key, "/v1/setting/payment_assets").GET().build();
        };
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(PackagedGateway replica, String key, String path) {
        return HttpRequest.newBuilder(URI.create(replica.url(path))).timeout(Duration.ofSeconds(30)).header("X-Gateway-Key", key);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Every window of MixPay's length holds at most its limit of the gateways' calls, and none was answered 1429. */
    private static void assertMixPaySawAtMostTheLimitPerWindowAndNo1429() throws IOException, InterruptedException {
        assertAtMostPerWindow(journal(), LIMIT, WINDOW_MILLIS);
        assertThat(rateLimitedByMixPay()).as("1429s from MixPay").isZero();
    }

    /** No window of {@code windowMillis} holds more than {@code most} of these calls, by their arrival at MixPay. */
    static void assertAtMostPerWindow(List<JsonObject> journal, int most, long windowMillis) {
        List<Long> times = journal.stream().map(entry -> entry.getLong("timeMs")).sorted().toList();
        for (int i = 0; i + most < times.size(); i++) {
            assertThat(times.get(i + most) - times.get(i)).as("MixPay calls %d and %d", i, i + most)
                    .isGreaterThanOrEqualTo(windowMillis);
        }
    }

    private static long rateLimitedByMixPay() throws IOException, InterruptedException {
        return journal().stream().filter(entry -> Long.valueOf(1429).equals(entry.getLong("code"))).count();
    }

    /** The readiness check's budget details, once its store is the one expected. */
    private static JsonObject awaitBudgetStore(PackagedGateway replica, String store) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/health/ready"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = ready.body();
            assertThat(ready.statusCode()).as(last).isEqualTo(200);
            JsonArray checks = new JsonObject(last).getJsonArray("checks");
            for (int i = 0; i < checks.size(); i++) {
                JsonObject check = checks.getJsonObject(i);
                if ("mixpay-budget".equals(check.getString("name")) && store.equals(check.getJsonObject("data").getString("store"))) {
                    return check.getJsonObject("data");
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the budget's store never became " + store + ": " + last);
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitMetric(PackagedGateway replica, String name, double value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (last.lines().anyMatch(line -> line.startsWith(name + " ") && Double.parseDouble(line.substring(name.length() + 1)) == value)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " never became " + value + ":\n"
                + last.lines().filter(l -> l.startsWith(name)).collect(Collectors.joining("\n")));
    }
}
