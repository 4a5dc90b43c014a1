package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;
import me.mixpay.gateway.support.MerchantReceiver;

/**
 * The Redis topologies other than one plain node, each with real {@code redis-server} processes and a
 * packaged replica: TLS with a CA the test makes and an ACL user, and a three-primary Redis Cluster on
 * which every script the gateway has runs.
 */
@Order(3)
class RedisTopologiesIT {

    static final String ACL_USER = "gateway";
    static final String ACL_PASSWORD = "acl-secret-4b9d";

    @Test
    void overTlsTheServerIsVerifiedByTheConfiguredCaAndItsNameAndTheAclUserIsUsedButNeverLogged() throws Exception {
        RedisTls tls = RedisTls.create();
        int port = RedisProcess.freePort();
        List<String> args = new ArrayList<>(tls.serverArguments(port));
        args.addAll(List.of("--user", ACL_USER, "on", ">" + ACL_PASSWORD, "~*", "&*", "+@all", "--user", "default", "off"));
        MixPaySimulator mixpay = new MixPaySimulator(SimulatorSettings.defaults());
        mixpay.start(0);
        try (RedisProcess redis = RedisProcess.start(args)) {
            Map<String, String> env = new HashMap<>(Map.of("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl(), "GATEWAY_AUTH_ENABLED", "false",
                    "GATEWAY_CLUSTER_REDIS_USERNAME", ACL_USER, "GATEWAY_CLUSTER_REDIS_PASSWORD", ACL_PASSWORD));
            env.put("GATEWAY_CLUSTER_REDIS_URL", "rediss://localhost:" + port);
            env.put("GATEWAY_CLUSTER_REDIS_TLS_CA", tls.ca());
            try (PackagedGateway verified = PackagedGateway.start(env)) {
                SentinelGroup.await("on Redis over TLS", () -> "redis".equals(GatewayCalls.budgetReadiness(verified).getString("store")));
                assertThat(GatewayCalls.get(verified, "/v1/setting/payment_assets").statusCode()).isEqualTo(200);
                String keys = redis.withCli("--tls", "--cacert", tls.ca(), "--user", ACL_USER, "--pass", ACL_PASSWORD, "--no-auth-warning")
                        .cli("KEYS", "*");
                assertThat(keys).as("state the gateway wrote over TLS").contains("mixpay-gateway:{budget}:log", "mixpay-gateway:replicas");
                assertThat(verified.log()).doesNotContain(ACL_PASSWORD);
            }

            // The same server by its IP address: its certificate names only localhost.
            env.put("GATEWAY_CLUSTER_REDIS_URL", "rediss://127.0.0.1:" + port);
            try (PackagedGateway wrongName = PackagedGateway.start(env)) {
                assertNeverOnRedis(wrongName);
            }
            // The JVM's own CAs never signed the test's.
            env.put("GATEWAY_CLUSTER_REDIS_URL", "rediss://localhost:" + port);
            env.remove("GATEWAY_CLUSTER_REDIS_TLS_CA");
            try (PackagedGateway unknownCa = PackagedGateway.start(env)) {
                assertNeverOnRedis(unknownCa);
            }
        } finally {
            mixpay.stop();
        }
    }

    private static void assertNeverOnRedis(PackagedGateway replica) throws Exception {
        SentinelGroup.await("a failed TLS handshake seen", () -> "local-share".equals(GatewayCalls.budgetReadiness(replica).getString("store")));
        // A merchant request is served all the same, on the local share.
        assertThat(GatewayCalls.get(replica, "/v1/setting/quote_assets").statusCode()).isEqualTo(200);
        Thread.sleep(1500);
        assertThat(GatewayCalls.budgetReadiness(replica).getString("store")).isEqualTo("local-share");
        assertThat(replica.log()).doesNotContain(ACL_PASSWORD);
    }

    static final String SECRET = "it-callback-token-secret-0123456789abcdef";
    static final String ADMIN = "it-admin-token-0123456789";

    @Test
    void onRedisClusterEveryScriptOfTheGatewayRunsWithItsKeysInOneSlot() throws Exception {
        int port = PackagedGateway.freePort();
        int merchantPort = PackagedGateway.freePort();
        int refusingPort = PackagedGateway.freePort();
        MixPaySimulator mixpay = new MixPaySimulator(SimulatorSettings.defaults().withRateLimit(500, Duration.ofSeconds(60))
                .withCallbacks(0.01, List.of("https://gateway.test=http://127.0.0.1:" + port)));
        mixpay.start(0);
        try (RedisClusterNodes redis = RedisClusterNodes.start()) {
            Map<String, String> env = new HashMap<>(Map.of("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl(), "GATEWAY_AUTH_ENABLED", "false",
                    "GATEWAY_CLUSTER_REDIS_TYPE", "cluster", "GATEWAY_CLUSTER_REDIS_URL", redis.seeds(), "GATEWAY_BUDGET_LIMIT", "1000",
                    "GATEWAY_CALLBACKS_PUBLIC_URL", "https://gateway.test", "GATEWAY_CALLBACKS_TOKEN_SECRET", SECRET, "GATEWAY_ADMIN_TOKEN", ADMIN));
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.put("GATEWAY_CALLBACKS_ALLOWED_TARGETS", "http://127.0.0.1:" + merchantPort + ",http://127.0.0.1:" + refusingPort);
            env.put("GATEWAY_CALLBACKS_SIGNING_SECRET", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
            env.put("GATEWAY_CALLBACKS_DELIVERY_POLL_INTERVAL", "100ms");
            env.put("GATEWAY_CALLBACKS_DELIVERY_MAX_ATTEMPTS", "1");
            env.put("GATEWAY_CALLBACKS_DELIVERY_TIMEOUT", "2s");
            env.put("GATEWAY_CALLBACKS_VERIFY_TIMEOUT", "1s");
            // No replica in this cluster: the confirmation of durable writes is what the Sentinel ITs test.
            env.put("GATEWAY_CLUSTER_REDIS_CONFIRM_REPLICAS", "0");
            Map<String, String> other = new HashMap<>(env);
            other.remove("QUARKUS_HTTP_PORT");
            try (PackagedGateway gateway = PackagedGateway.start(env); PackagedGateway second = PackagedGateway.start(other);
                    MerchantReceiver merchant = MerchantReceiver.start(merchantPort)) {
                SentinelGroup.await("on the Redis Cluster", () -> "redis".equals(GatewayCalls.budgetReadiness(gateway).getString("store")));
                assertThat(GatewayCalls.budgetReadiness(gateway).getString("redisTopology")).isEqualTo("cluster");

                // Creations (keys, callback records), one resent to the other replica while in flight (its key read
                // until the first is answered), and one MixPay refuses (its key freed). MixPay's limit, below the
                // configured one, is written to the shared budget.
                String deliveredOrder = orderId();
                String delivered = create(gateway, deliveredOrder, "http://127.0.0.1:" + merchantPort + "/hooks");
                String undeliverable = create(gateway, orderId(), "http://127.0.0.1:" + refusingPort + "/hooks");
                String orderId = orderId();
                var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> quietly(() -> createOrder(gateway, orderId, "X-Simulate-Delay-Ms", "1200")));
                Thread.sleep(300);
                assertThat(createOrder(second, orderId, "X-Simulate-Delay-Ms", "0").statusCode()).isEqualTo(200);
                assertThat(first.get().statusCode()).isEqualTo(200);
                createOrder(gateway, orderId(), "X-Simulate-Code", "1017");
                // MixPay's rate limit headers and a maintenance code (the shared notice).
                GatewayCalls.get(gateway, "/v1/setting/payment_assets");
                GatewayCalls.get(gateway, "/v1/setting/assets", "X-Simulate-Code", "10008");
                // Callbacks: received, verified, relayed; one delivery fails for good and is redelivered.
                GatewayCalls.pay(mixpay, delivered);
                GatewayCalls.pay(mixpay, undeliverable);
                SentinelGroup.await("the relayed callback", () -> !merchant.postsFor(deliveredOrder).isEmpty());
                // Either replica may take the event from the shared queue.
                String dead = "mixpay_gateway_relay_attempts_total{outcome=\"dead\"}";
                SentinelGroup.await("the dead letter", () -> GatewayCalls.metric(gateway, dead) + GatewayCalls.metric(second, dead) >= 1);
                Thread.sleep(500);
                assertThat(GatewayCalls.metric(gateway, dead) + GatewayCalls.metric(second, dead)).as("tries of the one event").isEqualTo(1.0);
                HttpResponse<String> listed = GatewayCalls.admin(gateway, "GET", "/admin/callbacks", ADMIN);
                assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
                assertThat(new JsonObject(listed.body()).getString("store")).isEqualTo("redis");
                HttpResponse<String> redelivered = GatewayCalls.admin(gateway, "POST", "/admin/callbacks/dead/redeliver", ADMIN);
                assertThat(redelivered.statusCode()).as(redelivered.body()).isEqualTo(200);
                // Redis away for a moment (every node frozen): calls on the local share, merged back on its return.
                for (RedisProcess node : redis.nodes) {
                    node.pause();
                }
                GatewayCalls.get(gateway, "/v1/setting/settlement_assets");
                SentinelGroup.await("the local share", () -> "local-share".equals(GatewayCalls.budgetReadiness(gateway).getString("store")));
                for (RedisProcess node : redis.nodes) {
                    node.resume();
                }
                SentinelGroup.await("Redis again", () -> "redis".equals(GatewayCalls.budgetReadiness(gateway).getString("store")));

                // Last, as it stops every call for a window: MixPay's 1429, the shared pause. A payment paid
                // then cannot be verified for want of budget: MixPay's tries are told to come again, and
                // those joining the verification still waiting must get the same answer, never an error.
                String waiting = create(gateway, orderId(), "http://127.0.0.1:" + merchantPort + "/hooks");
                GatewayCalls.get(gateway, "/v1/payments_estimated?paymentAssetId=x", "X-Simulate-Code", "1429");
                GatewayCalls.pay(mixpay, waiting);
                SentinelGroup.await("three of MixPay's tries", () -> GatewayCalls.callbackTries(mixpay, waiting).size() >= 3);
                assertThat(GatewayCalls.callbackTries(mixpay, waiting)).extracting(t -> t.getInteger("status")).containsOnly(503);

                Set<String> all = scripts();
                long deadline = System.currentTimeMillis() + 10_000;
                while (!scriptsRun(gateway, second).containsAll(all) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(scriptsRun(gateway, second)).as("scripts run on the cluster").containsAll(all);
                assertThat(all).as("scripts found in the gateway's classes").hasSizeGreaterThan(15);
                assertThat(redis.keysPerNode().stream().filter(count -> count > 0).count()).as("nodes holding the gateway's keys")
                        .isGreaterThanOrEqualTo(2);
                assertThat(gateway.log()).doesNotContain("CROSSSLOT").doesNotContain("more than one hash slot");
            }
        } finally {
            mixpay.stop();
        }
    }

    /** A one-time payment with the merchant's own callback URL; its traceId. */
    private static String create(PackagedGateway gateway, String orderId, String callbackUrl) throws Exception {
        Map<String, String> order = CreationForm.of(orderId, CreationForm.ETH);
        order.put("callbackUrl", callbackUrl);
        HttpResponse<String> created = GatewayCalls.post(gateway, "/v1/one_time_payment", order);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return new JsonObject(created.body()).getJsonObject("data").getString("code");
    }

    private static HttpResponse<String> createOrder(PackagedGateway gateway, String orderId, String header, String value) throws Exception {
        return GatewayCalls.post(gateway, "/v1/one_time_payment", CreationForm.of(orderId, CreationForm.ETH), header, value);
    }

    private static String orderId() {
        return "rc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /** The scripts the replicas have run, from their {@code mixpay_gateway_cluster_redis_scripts_total} series. */
    private static Set<String> scriptsRun(PackagedGateway... replicas) throws Exception {
        Set<String> names = new TreeSet<>();
        for (PackagedGateway replica : replicas) {
            Matcher series = Pattern.compile("mixpay_gateway_cluster_redis_scripts_total\\{script=\"([^\"]+)\"}").matcher(GatewayCalls.metrics(replica));
            while (series.find()) {
                names.add(series.group(1));
            }
        }
        return names;
    }

    /** Every {@link LuaScript} constant in the gateway's classes: a new script is in this set at once. */
    static Set<String> scripts() throws Exception {
        Path classes = Path.of("target", "classes");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, RedisTopologiesIT.class.getClassLoader());
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) && field.getType() == LuaScript.class) {
                        field.setAccessible(true);
                        names.add(((LuaScript) field.get(null)).name());
                    }
                }
            }
        }
        return names;
    }

    interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T quietly(Call<T> call) {
        try {
            return call.call();
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }
}
