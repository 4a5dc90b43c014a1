package me.mixpay.gateway.callback;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.cluster.RedisLink;

/**
 * Where payment records live: in Redis while it is configured and answering, so a callback that reaches
 * any replica finds the creation's terms; in this replica's memory too, which answers while Redis is away.
 * A Redis failure never fails a creation: the record is then this replica's alone, and a callback that
 * reaches another replica is refused until MixPay's next try finds Redis back or this replica.
 */
@ApplicationScoped
public class PaymentRecords {

    private static final Logger LOG = Logger.getLogger(PaymentRecords.class);

    /** KEYS: record. ARGV: value, ttl ms. Sets a creation's record unless one is there (a resend's keeps the first's verification). */
    static final LuaScript CREATE = LuaScript.of("callback-create",
            "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2]))");

    /** KEYS: record. ARGV: value. Removes the record only while it is still that value (nothing learnt since, no other creation's). */
    static final LuaScript FORGET = LuaScript.of("callback-forget",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

    private final ClusterLink cluster;
    private final RedisLink redis;
    private final Cache<String, String> local;
    private final long ttlMillis;

    PaymentRecords(ClusterLink cluster, CallbackConfig config) {
        this.cluster = cluster;
        this.redis = cluster.redis().orElse(null);
        this.ttlMillis = config.recordTtl().toMillis();
        this.local = Caffeine.newBuilder().maximumSize(config.maxRecords()).expireAfterWrite(config.recordTtl()).build();
    }

    private boolean shared() {
        return redis != null && cluster.shared();
    }

    /** Keeps a new creation's record; an existing one (the same creation sent before) stays as it is. */
    Uni<Void> create(PaymentRecord record) {
        String value = record.encode();
        local.asMap().putIfAbsent(record.ref(), value);
        if (!shared()) {
            return Uni.createFrom().voidItem();
        }
        return done(redis.evalDurably(CREATE, List.of(key(record.ref())), List.of(value, Long.toString(ttlMillis))))
                .onFailure().recoverWithItem(down -> {
                    LOG.debugf("Redis failed on a callback record (%s): kept on this replica", down.getMessage());
                    return null;
                });
    }

    /**
     * Drops a creation's record that MixPay never made a payment of (it refused the creation, or the gateway
     * did), so the merchant's corrected creation under the same ids is recorded with its own terms. Only the
     * record this creation wrote goes: one an earlier creation wrote, or one verified since, stays.
     */
    Uni<Void> forget(PaymentRecord record) {
        String value = record.encode();
        local.asMap().remove(record.ref(), value);
        if (!shared()) {
            return Uni.createFrom().voidItem();
        }
        return done(redis.evalDurably(FORGET, List.of(key(record.ref())), List.of(value)))
                .onFailure().recoverWithItem(down -> {
                    LOG.debugf("Redis failed to drop a refused creation's record (%s): it ends with its TTL", down.getMessage());
                    return null;
                });
    }

    /** Replaces a record with what was learnt of it; kept until the record's own end. */
    Uni<Void> update(PaymentRecord record) {
        String value = record.encode();
        local.put(record.ref(), value);
        long left = record.createdAt() + ttlMillis - System.currentTimeMillis();
        if (!shared() || left <= 0) {
            return Uni.createFrom().voidItem();
        }
        return done(redis.set(key(record.ref()), value, left)).onFailure().recoverWithItem(down -> null);
    }

    /** The record, or null when neither Redis nor this replica has it. */
    Uni<PaymentRecord> find(String ref) {
        if (!shared()) {
            return Uni.createFrom().item(() -> decoded(local.getIfPresent(ref)));
        }
        return Uni.createFrom().completionStage(() -> redis.get(key(ref)).toCompletionStage())
                .map(value -> value == null ? decoded(local.getIfPresent(ref)) : decoded(value.toString()))
                .onFailure().recoverWithItem(down -> decoded(local.getIfPresent(ref)));
    }

    private static PaymentRecord decoded(String value) {
        return value == null ? null : PaymentRecord.decode(value);
    }

    private String key(String ref) {
        return redis.key("callback:" + ref);
    }

    private static Uni<Void> done(Future<Response> command) {
        // RedisLink bounds every command by gateway.cluster.redis-timeout.
        return Uni.createFrom().completionStage(command.toCompletionStage()).replaceWithVoid();
    }

    long size() {
        local.cleanUp();
        return local.estimatedSize();
    }
}
