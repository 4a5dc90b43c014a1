package me.mixpay.gateway.idempotency;

import io.smallrye.mutiny.Uni;

/**
 * Where keys live: strings by key, each kept for {@code gateway.idempotency.ttl} from its last write. The
 * three writes are atomic, so two requests (on any replicas) can never both hold one key.
 */
interface KeyStore {

    /** Stores the value unless the key has one; the value already there, or null when this one was stored. */
    Uni<String> putIfAbsent(String key, String value);

    /** Replaces the value only if it is still exactly {@code expected}. */
    Uni<Boolean> replace(String key, String expected, String value);

    /** Removes the key only if its value is still exactly {@code expected}. */
    Uni<Boolean> remove(String key, String expected);

    /** The value, or null. */
    Uni<String> get(String key);

    /**
     * True when a creation under a key just taken here must ask MixPay first whether its order exists:
     * another replica may hold the same key where this one cannot see it (taken while Redis failed, or
     * just before it returned and not yet written back).
     */
    default boolean askMixPayFirst(String key) {
        return false;
    }
}
