package me.mixpay.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Everything the gateway reads from configuration, under the {@code gateway} prefix.
 * <p>
 * Defaults are the production ones: the real MixPay API, verified TLS. Each property
 * can be set from the environment with the usual MicroProfile mapping ({@code gateway.upstream.base-url}
 * becomes {@code GATEWAY_UPSTREAM_BASE_URL}); docs/configuration.md lists them all.
 * <p>
 * {@code gateway.simulator.*} is not read here: the MixPay simulator is a part of its own, with its own mapping
 * in its own package (docs/simulator.md), so that the gateway never depends on it.
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Upstream upstream();

    Limits limits();

    /**
     * Route groups by name. A request belongs to the group whose {@code match} pattern fits it most
     * specifically; {@code default} catches the rest. Shipped groups are in application.properties.
     */
    Map<String, RouteGroupConfig> routes();

    Admin admin();

    /** The one MixPay request budget every upstream call draws from (docs/budget.md). */
    Budget budget();

    /** State shared by replicas; without Redis, each replica keeps it in process. */
    Cluster cluster();

    /** Bounds and sharing of the look-up cache; each group's TTLs are under {@code routes.<group>.cache}. */
    ReplyCache cache();

    interface ReplyCache {
        /** Entries one replica holds at most, over all groups. */
        @WithDefault("10000")
        int maxEntries();

        /** Bytes of cached replies one replica holds at most (bodies and headers), over all groups. */
        @WithDefault("16M")
        MemorySize maxBytes();

        /**
         * Identical GETs of idempotent groups in flight at once share one upstream call and its reply.
         * Off, each goes to MixPay (and spends a call of the budget).
         */
        @WithDefault("true")
        boolean coalesce();

        /** With Redis configured, replicas share cached replies through it; false keeps each replica's own. */
        @WithDefault("true")
        boolean shared();
    }

    interface Budget {
        /**
         * Calls MixPay accepts per {@link #window()} from one caller address, over all its APIs
         * together: 60 a minute by MixPay's rate-limiting page. Every replica and merchant behind one
         * egress address shares it. A lower {@code x-ratelimit-limit} from MixPay lowers it further.
         */
        @WithDefault("60")
        int limit();

        /** The window the limit counts over; no window of this length ever holds more calls. */
        @WithDefault("60s")
        Duration window();

        /**
         * How much longer than the window each call counts. MixPay counts a call when it arrives, the
         * gateway when it lets it go; between the two lie a connection set-up, a TLS handshake, a slow
         * network. Without this margin two calls a window apart on the gateway's clock can land inside
         * one window on MixPay's.
         */
        @WithDefault("250ms")
        Duration sendMargin();

        /**
         * Share of each window only {@code critical} calls (payment creation and refresh) may use: the
         * other classes never fill a window past the rest, so a creation never waits behind look-ups.
         * The calls of it that creations leave unused lapse, so it is sized for the few creations that
         * should not wait even one spacing: at MixPay's 60 a minute, 3 calls. A creation past them waits
         * at the head of the queue for the next call to leave the window, a second or so, since the
         * calls below it leave the queue one at a time (docs/budget.md, "Classes and fairness").
         */
        @WithDefault("0.05")
        double criticalReserve();

        /**
         * A further share held for {@code normal} calls (payment results): {@code low} calls may not
         * take the part of it that polls have not used in the window, and may take the rest.
         */
        @WithDefault("0.25")
        double normalReserve();

        /**
         * Calls waiting for budget on one replica; past it a call is refused at once with 429 and
         * {@code budget_exhausted}, so a flood cannot hold unbounded memory.
         */
        @WithDefault("1000")
        int maxWaiting();
    }

    interface Cluster {
        /**
         * Redis shared by all replicas, e.g. {@code redis://redis:6379} (password in the URL's user
         * info, never logged). Unset: an embedded in-process store, right for one replica.
         */
        Optional<String> redisUrl();

        /**
         * How Redis is run: {@code standalone} (one address, maybe a managed service's failover endpoint),
         * {@code sentinel} (the primary is asked of {@code redis-sentinels}), or {@code cluster} (Redis
         * Cluster; {@code redis-url} lists seed nodes, comma-separated). Unset: {@code sentinel} when
         * sentinels are given, else {@code standalone}.
         */
        Optional<RedisTopology> redisType();

        /**
         * Sentinels that know the primary, comma-separated {@code redis://host:26379} (a password for the
         * sentinels in the user info, or in {@code redis-sentinel-password}; the nodes' is never sent to them,
         * since a sentinel without one refuses it).
         */
        Optional<List<String>> redisSentinels();

        /** The name the sentinels monitor the primary by. */
        @WithDefault("mymaster")
        String redisMasterName();

        /** The ACL user for the Redis nodes (not the sentinels); unset: the URL's, or {@code default}. */
        Optional<String> redisUsername();

        /** The password for the Redis nodes, in place of one in the URL (never logged; from a Secret). */
        Optional<String> redisPassword();

        /** The sentinels' password, the only one they are sent: set it when they require one (never logged; from a Secret). */
        Optional<String> redisSentinelPassword();

        /**
         * A PEM file of the CA that signed Redis' certificates, for {@code rediss://} URLs. The server is
         * always verified, and its name checked against the URL's host; unset: the JVM's trusted CAs.
         */
        Optional<String> redisTlsCa();

        /**
         * Replicas that must confirm a write that may never be lost (an exactly-once key, a callback
         * record, an accepted callback) before the gateway goes on; none confirming in
         * {@code redis-confirm-timeout} counts as Redis being down for that write. Unset: 1 for
         * {@code sentinel} and {@code cluster}, 0 for {@code standalone} (set 1 for a managed Redis with
         * a replica).
         */
        Optional<Integer> redisConfirmReplicas();

        /** How long a durable write waits for its replicas ({@code WAIT}), on top of {@code redis-timeout}. */
        @WithDefault("150ms")
        Duration redisConfirmTimeout();

        /**
         * Longest a Redis command may take before this replica stops waiting and falls back to its
         * local share of the budget; a merchant request never waits longer than this on Redis.
         */
        @WithDefault("250ms")
        Duration redisTimeout();

        /**
         * How often a replica announces itself and reads the cluster's maintenance notices; a
         * maintenance code seen by one replica opens the group on the others within about this long.
         */
        @WithDefault("500ms")
        Duration heartbeat();

        /** Prefix of every Redis key, so several gateways (or environments) can share one Redis. */
        @WithDefault("mixpay-gateway")
        String keyPrefix();

        /**
         * The most replicas that may ever run at once (the HPA's maximum plus the Deployment's surge).
         * While Redis is away, each replica spends only the limit divided by this (or by the replicas it
         * last saw, if more): a replica that starts during an outage has seen nobody, and the others
         * cannot see it, so only this bound keeps their shares together within the limit. Too high only
         * makes the outage budget smaller; too low lets the replicas spend more than the limit.
         */
        @WithDefault("4")
        int maxReplicas();
    }

    /** Who may send traffic through the gateway. */
    Auth auth();

    AccessLog accessLog();

    interface AccessLog {
        /** One line per request: {@code json} for log pipelines, {@code text} for people (dev mode). */
        @WithDefault("json")
        String format();

        /**
         * How long access lines may wait in the access log handler's buffer before they are written.
         * One write per line was the access log's largest cost (a system call per request, and a
         * wake-up of the container runtime reading the pipe); batching them is nginx's {@code buffer=}
         * and {@code flush=}. Lines are also written whenever the 8 KiB buffer fills, and all of them
         * at shutdown; a crash of the JVM loses at most this interval. {@code 0} writes every line
         * as it is logged. Applies only to handlers attached to the {@code mixpay.gateway.access}
         * category itself (the production {@code ACCESS} handler), never to the root console.
         */
        @WithDefault("1s")
        Duration flushInterval();
    }

    interface Auth {
        /**
         * Merchants must present a gateway API key. On by default: a gateway with no keys configured
         * refuses everything rather than forwarding anyone's traffic.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How merchants prove who they are: {@code api-key} (the header below) or {@code mtls} (a client
         * certificate the HTTPS listener verified against its trust store; the certificate's CN is the
         * merchant id and must be listed in {@link #mtlsMerchants()}). docs/security.md shows the TLS setup.
         */
        @WithDefault("api-key")
        String mode();

        /** Merchant ids (client-certificate CNs) allowed in {@code mtls} mode. */
        Optional<java.util.List<String>> mtlsMerchants();

        /** Request header carrying the gateway API key; stripped before forwarding, never logged. */
        @WithDefault("X-Gateway-Key")
        String header();

        /** Merchant id to the hex SHA-256 of its key, e.g. {@code gateway.auth.merchants.shop-eu=9f86...}. */
        Map<String, String> merchants();

        /**
         * A file of {@code merchant-id:sha256-hex} lines (comments with #), typically a mounted Secret;
         * merged with {@link #merchants()}.
         */
        Optional<java.nio.file.Path> keysFile();

    }

    interface Admin {
        /**
         * Token for the admin API's write operations (forcing a breaker), sent as {@code X-Admin-Token}.
         * Unset means those operations are off.
         */
        Optional<String> token();
    }

    interface Upstream {
        /**
         * The only host the gateway ever talks to. Its path, if any, is prepended to every forwarded path.
         */
        @WithDefault("https://api.mixpay.me")
        URI baseUrl();

        /** TCP (and TLS) connect timeout for one upstream connection. */
        @WithDefault("2s")
        Duration connectTimeout();

        /**
         * How long an upstream reply may stay silent before the attempt is abandoned. It is an idle
         * timeout, so a slow but steadily streaming body is not cut.
         */
        @WithDefault("10s")
        Duration readTimeout();

        /**
         * Upper bound of pooled connections to MixPay from each event loop: every loop keeps its own
         * pool, so a reply is read on the loop that sent the request (two loops per core by default).
         */
        @WithDefault("64")
        int maxConnections();

        /**
         * A pooled connection to MixPay unused this long is closed, so a traffic peak's connections do
         * not linger (whole seconds; Vert.x' keep-alive timeout).
         */
        @WithDefault("30s")
        Duration idleTimeout();

        /**
         * Only for tests against a self-signed upstream. Never disable it in front of the real MixPay:
         * the gateway would then hand merchants' payment calls to whoever answers the TLS handshake.
         */
        @WithDefault("true")
        boolean verifyTls();
    }

    interface Limits {
        /** Longest request target (path and query) accepted; longer gets 414. */
        @WithDefault("4096")
        int maxUriLength();

        /** Most request headers accepted; more gets 431. */
        @WithDefault("64")
        int maxHeaders();

        /** Most bytes of request headers (names and values) accepted; more gets 431. */
        @WithDefault("16K")
        MemorySize maxHeaderSize();

        /** Time a merchant has to send the whole request body; slower gets 408 (slow-body attacks). */
        @WithDefault("10s")
        Duration bodyReadTimeout();

        /** Largest request body a merchant may send. MixPay's API takes small forms and JSON documents. */
        @WithDefault("1M")
        MemorySize maxBodySize();

        /**
         * Largest reply the gateway buffers from MixPay. Replies are buffered whole because the retry
         * decision depends on the envelope inside; a bigger one fails with 502 upstream_body_too_large.
         */
        @WithDefault("16M")
        MemorySize maxUpstreamBodySize();

        /**
         * Largest body the envelope inspector decompresses. A gzip bomb stops here: past it the reply
         * is still passed through, only classified as unparseable.
         */
        @WithDefault("1M")
        MemorySize maxInspectedSize();
    }
}
