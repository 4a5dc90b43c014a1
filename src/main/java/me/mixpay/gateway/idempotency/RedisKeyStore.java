package me.mixpay.gateway.idempotency;

import java.time.Duration;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.cluster.RedisLink;

/**
 * Keys in the cluster's Redis, shared by every replica: set-if-absent with a TTL, and compare-and-set
 * on the whole value, each one script so no other replica's write can come between the read and the write.
 */
final class RedisKeyStore implements KeyStore {

    /** KEYS: key. ARGV: value, ttl ms. The value there, or nil when this one was set. */
    static final LuaScript PUT_IF_ABSENT = LuaScript.of("idempotency-put", """
            local current = redis.call('GET', KEYS[1])
            if current then return current end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
            return false
            """);

    /** KEYS: key. ARGV: expected, value, ttl ms. 1 when replaced. */
    static final LuaScript REPLACE = LuaScript.of("idempotency-replace", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
              return 1
            end
            return 0
            """);

    /** KEYS: key. ARGV: expected. 1 when removed. */
    static final LuaScript REMOVE = LuaScript.of("idempotency-remove", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """);

    static final LuaScript GET = LuaScript.of("idempotency-get", "return redis.call('GET', KEYS[1])");

    private final RedisLink redis;
    private final String ttlMillis;

    RedisKeyStore(RedisLink redis, Duration ttl) {
        this.redis = redis;
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    @Override
    public Uni<String> putIfAbsent(String key, String value) {
        return text(redis.evalDurably(PUT_IF_ABSENT, List.of(redis.key(key)), List.of(value, ttlMillis)));
    }

    @Override
    public Uni<Boolean> replace(String key, String expected, String value) {
        return flag(redis.evalDurably(REPLACE, List.of(redis.key(key)), List.of(expected, value, ttlMillis)));
    }

    @Override
    public Uni<Boolean> remove(String key, String expected) {
        return flag(redis.eval(REMOVE, List.of(redis.key(key)), List.of(expected)));
    }

    @Override
    public Uni<String> get(String key) {
        return text(redis.eval(GET, List.of(redis.key(key)), List.of()));
    }

    private static Uni<String> text(Future<Response> reply) {
        return Uni.createFrom().completionStage(reply.toCompletionStage()).map(RedisKeyStore::text);
    }

    /** A script's string answer, or null for Redis' nil. */
    static String text(Response reply) {
        return reply == null ? null : reply.toString();
    }

    private static Uni<Boolean> flag(Future<Response> reply) {
        return Uni.createFrom().completionStage(reply.toCompletionStage()).map(r -> r != null && r.toInteger() == 1);
    }
}
