package me.mixpay.gateway.cluster;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

import me.mixpay.gateway.config.GatewayConfig;

/**
 * This replica's membership of the cluster: its Redis link (when {@code gateway.cluster.redis-url} is
 * set), its heartbeat, and how many replicas share the budget while Redis is away ({@link #sharers()}).
 * Without Redis the replica is a cluster of one.
 * <p>
 * The heartbeat is the one periodic Redis call; the budget and the maintenance notices hang their own
 * periodic work on it ({@link #onTick}), so a request that does not go upstream never calls Redis.
 */
@Startup
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class ClusterLink {

    private static final Logger LOG = Logger.getLogger(ClusterLink.class);

    /** KEYS: replicas. ARGV: replica id, ms after which a silent replica is gone. Returns the live count. */
    static final LuaScript HEARTBEAT = LuaScript.of("heartbeat", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
            return redis.call('ZCARD', KEYS[1])
            """);

    private final String replica = UUID.randomUUID().toString();
    private final RedisLink redis;
    private final Vertx vertx;
    private final long heartbeatMillis;
    private final int maxReplicas;
    private final AtomicInteger replicas = new AtomicInteger(1);
    private final List<Runnable> ticks = new CopyOnWriteArrayList<>();
    private long timer = -1;

    ClusterLink(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx;
        this.heartbeatMillis = config.cluster().heartbeat().toMillis();
        this.maxReplicas = config.cluster().maxReplicas();
        if (maxReplicas < 1) {
            throw new IllegalArgumentException("gateway.cluster.max-replicas must be at least 1, not " + maxReplicas);
        }
        this.redis = RedisSettings.of(config.cluster()).map(settings -> new RedisLink(vertx, settings)).orElse(null);
        if (redis != null) {
            redis.onChange(() -> LOG.infof("cluster store: %s", mode()));
            // The first beat at once: a replica that starts without Redis says local-share within a
            // connection attempt, not a heartbeat later.
            timer = vertx.setPeriodic(1, heartbeatMillis, id -> tick());
        }
    }

    private void tick() {
        redis.followPrimary();
        long stale = Math.max(3 * heartbeatMillis, 2000);
        redis.eval(HEARTBEAT, List.of(redis.key("replicas")), List.of(replica, Long.toString(stale)))
                .onSuccess(count -> {
                    int seen = Math.max(1, count.toInteger());
                    int before = replicas.getAndSet(seen);
                    if (before != seen) {
                        LOG.infof("replicas seen in the cluster: %d (was %d)", seen, before);
                    }
                });
        // Each listener runs on every tick: while Redis is down its commands fail fast, and the first
        // that succeeds marks Redis up again.
        for (Runnable tick : ticks) {
            try {
                tick.run();
            } catch (RuntimeException bug) {
                LOG.error("cluster tick failed", bug);
            }
        }
    }

    /** Work to do on every heartbeat, while Redis is configured. */
    public void onTick(Runnable work) {
        ticks.add(work);
    }

    public Optional<RedisLink> redis() {
        return Optional.ofNullable(redis);
    }

    /** True when state is shared right now: Redis configured and answering. */
    public boolean shared() {
        return redis != null && redis.up();
    }

    /** Replicas seen at the last heartbeat (1 without Redis, and before any heartbeat succeeded). */
    public int replicas() {
        return replicas.get();
    }

    /**
     * How many replicas the limit is divided among while Redis is away: {@code gateway.cluster.max-replicas},
     * or the replicas last seen if more. Never the count seen alone: a replica that starts during the
     * outage (a rolling update's surge, the HPA, a restart) has seen nobody and is seen by nobody, so
     * only the configured maximum keeps every share together within the limit.
     */
    public int sharers() {
        return Math.max(maxReplicas, replicas.get());
    }

    public String replica() {
        return replica;
    }

    /** {@code embedded}, {@code redis} or {@code local-share}: what the health details and status page say. */
    public String mode() {
        if (redis == null) {
            return "embedded";
        }
        return redis.up() ? "redis" : "local-share";
    }

    public Vertx vertx() {
        return vertx;
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (redis != null) {
            redis.close();
        }
    }
}
