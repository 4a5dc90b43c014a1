package me.mixpay.gateway.cluster;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;

import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.config.RedisTopology;

/**
 * {@code gateway.cluster.redis-*} read once and checked at start-up: which topology, which addresses with
 * which credentials, TLS, and how many replicas a durable write waits for. Credentials live only in the
 * Vert.x options built here; {@link #describe} and the logs show hosts and ports alone.
 */
public record RedisSettings(RedisTopology topology, List<String> nodes, List<String> sentinels, String masterName,
        Optional<String> username, Optional<String> password, Optional<String> sentinelPassword, Optional<String> tlsCa,
        int confirmReplicas, long confirmMillis, long timeoutMillis, String keyPrefix) {

    /** The settings, or empty when no Redis is configured (the embedded store). */
    public static Optional<RedisSettings> of(GatewayConfig.Cluster config) {
        List<String> sentinels = config.redisSentinels().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> nodes = config.redisUrl().map(url -> Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        if (nodes.isEmpty() && sentinels.isEmpty()) {
            return Optional.empty();
        }
        RedisTopology topology = config.redisType().orElse(sentinels.isEmpty() ? RedisTopology.STANDALONE : RedisTopology.SENTINEL);
        switch (topology) {
            case SENTINEL -> require(!sentinels.isEmpty(), "gateway.cluster.redis-type=sentinel needs gateway.cluster.redis-sentinels");
            case STANDALONE -> require(nodes.size() == 1 && sentinels.isEmpty(),
                    "gateway.cluster.redis-type=standalone takes one gateway.cluster.redis-url and no sentinels");
            case CLUSTER -> require(sentinels.isEmpty(), "gateway.cluster.redis-type=cluster takes seed nodes in gateway.cluster.redis-url, not sentinels");
        }
        List<String> all = topology == RedisTopology.SENTINEL ? sentinels : nodes;
        boolean tls = all.get(0).startsWith("rediss://");
        for (String url : all) {
            require(url.startsWith("redis://") || url.startsWith("rediss://"), "a Redis address must be redis:// or rediss://, not " + RedisLink.redacted(url));
            require(url.startsWith("rediss://") == tls, "Redis addresses must all use TLS (rediss://) or none");
        }
        int confirm = config.redisConfirmReplicas().orElse(topology == RedisTopology.STANDALONE ? 0 : 1);
        require(confirm >= 0, "gateway.cluster.redis-confirm-replicas must not be negative");
        return Optional.of(new RedisSettings(topology, nodes, sentinels, config.redisMasterName(), config.redisUsername(),
                config.redisPassword(), config.redisSentinelPassword(), config.redisTlsCa(), confirm,
                config.redisConfirmTimeout().toMillis(), config.redisTimeout().toMillis(), config.keyPrefix() + ":"));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public boolean tls() {
        return (topology == RedisTopology.SENTINEL ? sentinels : nodes).get(0).startsWith("rediss://");
    }

    /** Options for the nodes at {@code urls}: the standalone node, the current primary, or the cluster's seeds. */
    RedisOptions nodeOptions(List<String> urls) {
        RedisOptions options = new RedisOptions()
                .setType(topology == RedisTopology.CLUSTER ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
                .setMaxPoolSize(8).setMaxPoolWaiting(256).setMaxWaitingHandlers(1024)
                // Redis commands are not spans: a request's trace says what the gateway decided, not each EVALSHA.
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setNetClientOptions(netOptions("node"));
        if (topology == RedisTopology.CLUSTER) {
            // Every command goes to the slot's primary: a replica's answer may lag the budget by a write.
            options.setUseReplicas(RedisReplicas.NEVER);
        }
        urls.forEach(url -> options.addConnectionString(withCredentials(url, username, password)));
        return options;
    }

    /** Options for one sentinel, with the sentinels' own password when one is set. */
    RedisOptions sentinelOptions(String url) {
        return new RedisOptions().setType(RedisClientType.STANDALONE).setMaxPoolSize(1).setMaxPoolWaiting(16).setTracingPolicy(TracingPolicy.IGNORE)
                .setNetClientOptions(netOptions("sentinel")).setConnectionString(withCredentials(url, Optional.empty(), sentinelPassword));
    }

    /**
     * {@code role} names the client's Vert.x metrics ({@link RedisMeters#CLIENT}, tagged {@code clientName}):
     * without a name they are exported as {@code m__current}, {@code m__queue_size}...
     */
    private NetClientOptions netOptions(String role) {
        NetClientOptions net = new NetClientOptions().setConnectTimeout((int) Math.max(100, timeoutMillis)).setTcpNoDelay(true)
                .setMetricsName(RedisMeters.CLIENT + "|" + role);
        if (tls()) {
            // The server's certificate is checked against the CA and its name against the URL's host.
            net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            tlsCa.ifPresent(ca -> net.setTrustOptions(new PemTrustOptions().addCertPath(ca)));
        }
        return net;
    }

    /** The URL with the configured user and password in its user info, when they are set. */
    static String withCredentials(String url, Optional<String> user, Optional<String> password) {
        if (user.isEmpty() && password.isEmpty()) {
            return url;
        }
        URI uri = URI.create(url);
        String[] existing = uri.getRawUserInfo() == null ? new String[0] : uri.getRawUserInfo().split(":", 2);
        String name = user.map(RedisSettings::encoded).orElse(existing.length > 0 ? existing[0] : "");
        String secret = password.map(RedisSettings::encoded).orElse(existing.length > 1 ? existing[1] : "");
        String rest = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + name + ":" + secret + "@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + rest;
    }

    /** Where Redis is, for readiness and logs: hosts and ports, never credentials. */
    public String describe() {
        return switch (topology) {
            case STANDALONE -> RedisLink.redacted(nodes.get(0));
            case CLUSTER -> "cluster of " + String.join(",", nodes.stream().map(RedisLink::redacted).toList());
            case SENTINEL -> "sentinel '" + masterName + "' at " + String.join(",", sentinels.stream().map(RedisLink::redacted).toList());
        };
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Never the record's generated form: it would print the passwords. */
    @Override
    public String toString() {
        return describe();
    }
}
