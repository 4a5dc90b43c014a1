package me.mixpay.gateway.idempotency;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;

/**
 * Keys in this replica's memory: the store of a single replica, and every replica's while Redis is away.
 * Bounded by {@code gateway.idempotency.max-keys}; Caffeine forgets the least used first.
 */
final class EmbeddedKeyStore implements KeyStore {

    private final Cache<String, String> keys;

    EmbeddedKeyStore(Duration ttl, int maxKeys) {
        this.keys = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxKeys).build();
    }

    @Override
    public Uni<String> putIfAbsent(String key, String value) {
        return Uni.createFrom().item(keys.asMap().putIfAbsent(key, value));
    }

    @Override
    public Uni<Boolean> replace(String key, String expected, String value) {
        return Uni.createFrom().item(replaceNow(key, expected, value));
    }

    boolean replaceNow(String key, String expected, String value) {
        return keys.asMap().replace(key, expected, value);
    }

    @Override
    public Uni<Boolean> remove(String key, String expected) {
        return Uni.createFrom().item(keys.asMap().remove(key, expected));
    }

    @Override
    public Uni<String> get(String key) {
        return Uni.createFrom().item(keys.getIfPresent(key));
    }

    /** Writes the value whatever is there: how a replica keeps a key it could not write to Redis. */
    void put(String key, String value) {
        keys.put(key, value);
    }
}
