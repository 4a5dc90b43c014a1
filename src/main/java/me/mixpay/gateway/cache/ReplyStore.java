package me.mixpay.gateway.cache;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.smallrye.mutiny.Uni;

import me.mixpay.gateway.cluster.RedisLink;

/**
 * Where cached replies live: a bounded in-process Caffeine cache on every replica and, with Redis
 * configured, Redis too, so an answer one replica paid for serves them all.
 * <p>
 * The local cache is bounded in both entries and bytes with one weight: each entry weighs its bytes but
 * at least {@code maxBytes / maxEntries}, so a full cache holds neither more bytes nor more entries than
 * allowed. Caffeine evicts by frequency and recency (W-TinyLFU), which suits look-ups asked on every
 * checkout; each entry expires when its stale time ends.
 * <p>
 * Redis is read only when this replica has no fresh entry, and never while it is down: each replica
 * then caches on its own. A Redis failure is a miss, never a merchant's error.
 */
final class ReplyStore {

    private final Cache<CacheKey, CachedReply> local;
    private final RedisLink redis;

    ReplyStore(int maxEntries, long maxBytes, Optional<RedisLink> redis) {
        int floor = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / Math.max(1, maxEntries)));
        this.local = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheKey key, CachedReply entry) -> Math.max(floor, entry.bytes() + key.text().length()))
                .expireAfter(new Expiry<CacheKey, CachedReply>() {
                    @Override
                    public long expireAfterCreate(CacheKey key, CachedReply entry, long currentTime) {
                        return untilExpiry(entry);
                    }

                    @Override
                    public long expireAfterUpdate(CacheKey key, CachedReply entry, long currentTime, long currentDuration) {
                        return untilExpiry(entry);
                    }

                    @Override
                    public long expireAfterRead(CacheKey key, CachedReply entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        this.redis = redis.orElse(null);
    }

    private static long untilExpiry(CachedReply entry) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(1, entry.expiresAt() - System.currentTimeMillis()));
    }

    /**
     * This replica's entry, or Redis' when it is newer; null when neither has one. Redis is asked only
     * when this replica's own entry is not {@code fresh}.
     */
    Uni<CachedReply> get(CacheKey key, java.util.function.Predicate<CachedReply> fresh) {
        CachedReply mine = local.getIfPresent(key);
        if (redis == null || !redis.up() || (mine != null && fresh.test(mine))) {
            return Uni.createFrom().item(mine);
        }
        return Uni.createFrom().completionStage(() -> redis.get(redisKey(key)).toCompletionStage())
                .map(value -> {
                    CachedReply shared = value == null ? null : CachedReply.fromJson(value.toString());
                    if (shared == null || (mine != null && mine.storedAt() >= shared.storedAt())) {
                        return mine;
                    }
                    if (shared.usableStaleAt(System.currentTimeMillis())) {
                        local.put(key, shared);
                    }
                    return shared;
                })
                .onFailure().recoverWithItem(mine);
    }

    /** This replica's own entry, without asking Redis; null when it has none. */
    CachedReply local(CacheKey key) {
        return local.getIfPresent(key);
    }

    void put(CacheKey key, CachedReply entry) {
        local.put(key, entry);
        if (redis != null && redis.up()) {
            // Written in the background: the merchant's reply never waits on Redis.
            redis.set(redisKey(key), entry.toJson(), entry.expiresAt() - System.currentTimeMillis());
        }
    }

    private String redisKey(CacheKey key) {
        return redis.key("cache:" + key.digest());
    }

    long entries() {
        return local.estimatedSize();
    }

    /** The weight the entries count against {@code gateway.cache.max-bytes}. */
    long weight() {
        return local.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }
}
