package me.mixpay.gateway.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.config.GatewayConfig;

/**
 * The connection to the cluster's Redis, on Quarkus' own Vert.x, and whether it currently works.
 * <p>
 * Every command is bounded by {@code gateway.cluster.redis-timeout}: a slow Redis costs a merchant at
 * most that much, then the caller uses its local fallback. Up and down are decided here, from the
 * commands' outcomes, and logged once per change (never the URL, which may hold a password).
 */
public final class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class);

    private final Vertx vertx;
    private final RedisAPI api;
    private final Redis client;
    private final long timeoutMillis;
    private final String prefix;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Runnable> onChange = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RedisLink(Vertx vertx, String url, GatewayConfig.Cluster config) {
        this.vertx = vertx;
        this.timeoutMillis = config.redisTimeout().toMillis();
        this.prefix = config.keyPrefix() + ":";
        RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString(url)
                .setMaxPoolSize(8).setMaxPoolWaiting(256).setMaxWaitingHandlers(1024);
        options.getNetClientOptions().setConnectTimeout((int) Math.max(100, timeoutMillis)).setTcpNoDelay(true);
        this.client = Redis.createClient(vertx, options);
        this.api = RedisAPI.api(client);
        LOG.infof("cluster state in Redis at %s (key prefix %s)", redacted(url), prefix);
    }

    /** The URL without its user info, for logs. */
    static String redacted(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + (uri.getPath() == null ? "" : uri.getPath());
        } catch (IllegalArgumentException unreadable) {
            return "(unreadable URL)";
        }
    }

    public String key(String name) {
        return prefix + name;
    }

    public boolean up() {
        return up.get();
    }

    /** Called on every change between up and down. */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    /** Runs a script by digest, loading it on NOSCRIPT; fails after the timeout. */
    public Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
        return bounded(api.evalsha(command(script.sha(), keys, args))
                .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")
                        ? api.eval(command(script.text(), keys, args))
                        : Future.failedFuture(failure)));
    }

    /** The value of a key, or a null response when it has none; fails after the timeout. */
    public Future<Response> get(String key) {
        return bounded(api.get(key));
    }

    /** Sets a key that Redis forgets after {@code ttlMillis}; fails after the timeout. */
    public Future<Response> set(String key, String value, long ttlMillis) {
        return bounded(api.set(List.of(key, value, "PX", Long.toString(Math.max(1, ttlMillis)))));
    }

    /**
     * The command's outcome, or a failure once the timeout has passed; either way it decides whether
     * Redis is up.
     */
    private Future<Response> bounded(Future<Response> command) {
        Promise<Response> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, fired -> {
            if (result.tryFail(new TimeoutException("Redis did not answer within " + timeoutMillis + " ms"))) {
                markDown("no answer within " + timeoutMillis + " ms");
            }
        });
        command.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                if (result.tryComplete(done.result())) {
                    markUp();
                }
            } else if (result.tryFail(done.cause())) {
                markDown(String.valueOf(done.cause().getMessage()));
            }
        });
        return result.future();
    }

    private static List<String> command(String script, List<String> keys, List<String> args) {
        List<String> command = new ArrayList<>(2 + keys.size() + args.size());
        command.add(script);
        command.add(Integer.toString(keys.size()));
        command.addAll(keys);
        command.addAll(args);
        return command;
    }

    private void markUp() {
        if (up.compareAndSet(false, true)) {
            LOG.info("Redis is reachable again: the budget and maintenance notices are shared by the cluster again");
            onChange.forEach(Runnable::run);
        }
    }

    private void markDown(String why) {
        if (up.compareAndSet(true, false)) {
            LOG.warnf("Redis is unreachable (%s): this replica uses its local share of the budget until it returns", why);
            onChange.forEach(Runnable::run);
        }
    }

    public void close() {
        client.close();
    }
}
