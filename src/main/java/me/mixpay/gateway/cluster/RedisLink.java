package me.mixpay.gateway.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.config.RedisTopology;

/**
 * The connection to the cluster's Redis (standalone, behind sentinels, or Redis Cluster), on Quarkus' own
 * Vert.x, and whether it currently works.
 * <p>
 * Every command is bounded by {@code gateway.cluster.redis-timeout}: a slow Redis costs a merchant at
 * most that much, then the caller uses its local fallback. Up and down are decided here, from the
 * commands' outcomes, and logged once per change (never a URL's user info). Every script's keys must
 * share one hash slot, in every topology, so what runs here runs on Redis Cluster too.
 */
public final class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class);

    private final Vertx vertx;
    private final RedisSettings settings;
    private final AtomicReference<Redis> client = new AtomicReference<>();
    private final SentinelWatch sentinels;
    private final AtomicReference<SentinelWatch.Primary> primary = new AtomicReference<>();
    private final AtomicBoolean asking = new AtomicBoolean();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> scriptsRun = new ConcurrentHashMap<>();
    private final LongAdder unconfirmed = new LongAdder();
    private volatile long lastAnswer;

    public RedisLink(Vertx vertx, RedisSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        if (settings.topology() == RedisTopology.SENTINEL) {
            this.sentinels = new SentinelWatch(vertx, settings);
            followPrimary();
        } else {
            this.sentinels = null;
            client.set(Redis.createClient(vertx, settings.nodeOptions(settings.nodes())));
        }
        LOG.infof("cluster state in Redis: %s (key prefix %s, %s, durable writes confirmed by %d replica(s))", settings.describe(),
                settings.keyPrefix(), settings.tls() ? "TLS" : "no TLS", settings.confirmReplicas());
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
        return settings.keyPrefix() + name;
    }

    public boolean up() {
        return up.get();
    }

    public RedisTopology topology() {
        return settings.topology();
    }

    /** The node in use, for readiness: the sentinels' current primary, or the configured address. */
    public String primary() {
        if (sentinels == null) {
            return settings.describe();
        }
        SentinelWatch.Primary current = primary.get();
        return current == null ? "unknown (no sentinel answered yet)" : current.toString();
    }

    /** When Redis last answered a command (epoch ms; 0: never since start). */
    public long lastAnswerMillis() {
        return lastAnswer;
    }

    /** Writes the primary took that no replica confirmed in time, since start. */
    public long unconfirmedWrites() {
        return unconfirmed.sum();
    }

    /** How often each script was run, by name (the Redis Cluster test checks it ran every one). */
    public Map<String, Long> scriptsRun() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        scriptsRun.forEach((name, count) -> counts.put(name, count.sum()));
        return counts;
    }

    /** Called on every change between up and down. */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    /**
     * Asks the sentinels for the primary, and moves to it when it changed (a failover). Called on every
     * heartbeat and after a failed command; a no-op unless Redis runs behind sentinels.
     */
    public void followPrimary() {
        if (sentinels == null || !asking.compareAndSet(false, true)) {
            return;
        }
        sentinels.ask().onComplete(answer -> {
            asking.set(false);
            if (answer.failed()) {
                markDown(answer.cause().getMessage());
                return;
            }
            SentinelWatch.Primary now = answer.result();
            SentinelWatch.Primary before = primary.getAndSet(now);
            if (now.equals(before)) {
                return;
            }
            String scheme = settings.tls() ? "rediss://" : "redis://";
            Redis old = client.getAndSet(Redis.createClient(vertx, settings.nodeOptions(List.of(scheme + now))));
            LOG.infof("Redis primary for '%s' is %s%s", settings.masterName(), now, before == null ? "" : " (was " + before + ")");
            if (old != null) {
                // Commands still in flight on the old primary end within the timeout; then it is closed.
                vertx.setTimer(settings.timeoutMillis() + settings.confirmMillis() + 1000, fired -> old.close());
            }
        });
    }

    /** Runs a script by digest, loading it on NOSCRIPT; fails after the timeout. */
    public Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
        Redis redis = ready(script, keys);
        if (redis == null) {
            return notReady();
        }
        return bounded(byDigest(script, keys, args, redis::send), settings.timeoutMillis());
    }

    /**
     * Runs a script whose write must survive a failover: {@code WAIT} follows it on the same connection
     * (inside a script it would return at once), and fewer replicas than
     * {@code gateway.cluster.redis-confirm-replicas} confirming in time fails it with {@link UnconfirmedWrite}.
     */
    public Future<Response> evalDurably(LuaScript script, List<String> keys, List<String> args) {
        int wanted = settings.confirmReplicas();
        if (wanted == 0) {
            return eval(script, keys, args);
        }
        Redis redis = ready(script, keys);
        if (redis == null) {
            return notReady();
        }
        Request wait = Request.cmd(Command.WAIT).arg(wanted).arg(settings.confirmMillis());
        Future<List<Response>> replies = byDigest(script, keys, args, run -> redis.batch(List.of(run, wait)));
        return bounded(replies, settings.timeoutMillis() + settings.confirmMillis()).compose(both -> {
            long confirmed = both.get(1) == null ? 0 : both.get(1).toLong();
            if (confirmed < wanted) {
                unconfirmed.increment();
                return Future.failedFuture(new UnconfirmedWrite(script.name(), both.get(0), confirmed, wanted, settings.confirmMillis()));
            }
            return Future.succeededFuture(both.get(0));
        });
    }

    /** The value of a key, or a null response when it has none; fails after the timeout. */
    public Future<Response> get(String key) {
        Redis redis = client.get();
        return redis == null ? notReady() : bounded(redis.send(Request.cmd(Command.GET).arg(key)), settings.timeoutMillis());
    }

    /** Sets a key that Redis forgets after {@code ttlMillis}; fails after the timeout. */
    public Future<Response> set(String key, String value, long ttlMillis) {
        Redis redis = client.get();
        return redis == null ? notReady()
                : bounded(redis.send(Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(Math.max(1, ttlMillis))), settings.timeoutMillis());
    }

    /** The client, once the script's keys are known to share a slot; null while no primary is known. */
    private Redis ready(LuaScript script, List<String> keys) {
        if (!HashSlots.oneSlot(keys)) {
            // A programming error, refused in every topology so no test passes on standalone what Redis Cluster refuses.
            throw new IllegalArgumentException("script " + script.name() + " has keys in more than one hash slot: " + keys);
        }
        scriptsRun.computeIfAbsent(script.name(), name -> new LongAdder()).increment();
        return client.get();
    }

    private <T> Future<T> notReady() {
        markDown("no Redis primary known yet");
        followPrimary();
        return Future.failedFuture("no Redis primary known yet");
    }

    /**
     * Sends the script by its digest and, when Redis has not seen it (a new or promoted primary answers
     * NOSCRIPT), once more with its text, which Redis then keeps.
     */
    private static <T> Future<T> byDigest(LuaScript script, List<String> keys, List<String> args, Function<Request, Future<T>> send) {
        return send.apply(command(Command.EVALSHA, script.sha(), keys, args))
                .recover(failure -> noScript(failure) ? send.apply(command(Command.EVAL, script.text(), keys, args)) : Future.failedFuture(failure));
    }

    private static boolean noScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }

    /**
     * The command's outcome, or a failure once the timeout has passed; either way it decides whether
     * Redis is up (a write no replica confirmed says nothing about that).
     */
    private <T> Future<T> bounded(Future<T> command, long timeoutMillis) {
        Promise<T> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, fired -> {
            if (result.tryFail(new TimeoutException("Redis did not answer within " + timeoutMillis + " ms"))) {
                failed("no answer within " + timeoutMillis + " ms");
            }
        });
        command.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                if (result.tryComplete(done.result())) {
                    lastAnswer = System.currentTimeMillis();
                    markUp();
                }
            } else if (result.tryFail(done.cause())) {
                failed(String.valueOf(done.cause().getMessage()));
            }
        });
        return result.future();
    }

    private void failed(String why) {
        markDown(why);
        // A failover shows as refused connections, timeouts or READONLY from a demoted primary.
        followPrimary();
    }

    private static Request command(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private void markUp() {
        if (up.compareAndSet(false, true)) {
            LOG.infof("Redis is reachable again (%s): the budget and maintenance notices are shared by the cluster again", primary());
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
        if (sentinels != null) {
            sentinels.close();
        }
        Redis redis = client.getAndSet(null);
        if (redis != null) {
            redis.close();
        }
    }
}
