package me.mixpay.gateway.idempotency;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import me.mixpay.gateway.cluster.ClusterLink;

/**
 * The key store the gateway uses: Redis while it is configured and answering, so a resend to another
 * replica finds the key; this replica's memory otherwise. A Redis failure never fails a merchant request:
 * the operation is done in memory instead, which keeps keys on this replica only (README and
 * docs/exactly-once.md say what that weakens).
 */
@ApplicationScoped
public class ClusterKeyStore implements KeyStore {

    private static final Logger LOG = Logger.getLogger(ClusterKeyStore.class);

    private final ClusterLink cluster;
    private final EmbeddedKeyStore local;
    private final RedisKeyStore redis;

    ClusterKeyStore(ClusterLink cluster, IdempotencyConfig config) {
        this.cluster = cluster;
        this.local = new EmbeddedKeyStore(config.ttl(), config.maxKeys());
        this.redis = cluster.redis().map(link -> new RedisKeyStore(link, config.ttl())).orElse(null);
    }

    private boolean shared() {
        return redis != null && cluster.shared();
    }

    @Override
    public Uni<String> putIfAbsent(String key, String value) {
        if (!shared()) {
            return local.putIfAbsent(key, value);
        }
        return redis.putIfAbsent(key, value).onFailure().recoverWithUni(down -> {
            LOG.debugf("Redis failed on a key (%s): kept on this replica", down.getMessage());
            return local.putIfAbsent(key, value);
        });
    }

    @Override
    public Uni<Boolean> replace(String key, String expected, String value) {
        if (redis == null) {
            return local.replace(key, expected, value);
        }
        if (!shared()) {
            return Uni.createFrom().item(() -> keepLocally(key, expected, value));
        }
        return redis.replace(key, expected, value).onFailure().recoverWithItem(down -> keepLocally(key, expected, value));
    }

    /** While Redis is away: the key may have been taken in Redis before it went, so this replica keeps the news. */
    private boolean keepLocally(String key, String expected, String value) {
        if (!local.replaceNow(key, expected, value)) {
            local.put(key, value);
        }
        return true;
    }

    @Override
    public Uni<Boolean> remove(String key, String expected) {
        if (!shared()) {
            return local.remove(key, expected);
        }
        return redis.remove(key, expected).onFailure().recoverWithUni(down -> local.remove(key, expected));
    }

    @Override
    public Uni<String> get(String key) {
        if (!shared()) {
            return local.get(key);
        }
        return redis.get(key).onFailure().recoverWithUni(down -> local.get(key));
    }
}
