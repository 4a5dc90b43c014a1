package me.mixpay.gateway.idempotency;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

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
    /** Keys written here while Redis failed (down, or no replica confirmed): written back when it returns. */
    private final Cache<String, Boolean> keptHere;

    ClusterKeyStore(ClusterLink cluster, IdempotencyConfig config) {
        this.cluster = cluster;
        this.local = new EmbeddedKeyStore(config.ttl(), config.maxKeys());
        this.redis = cluster.redis().map(link -> new RedisKeyStore(link, config.ttl())).orElse(null);
        this.keptHere = Caffeine.newBuilder().maximumSize(config.maxKeys()).expireAfterWrite(config.ttl()).build();
        cluster.redis().ifPresent(link -> link.onChange(() -> {
            if (link.up()) {
                writeBack();
            }
        }));
    }

    @Override
    public boolean keptOnlyHere(String key) {
        return keptHere.getIfPresent(key) != null;
    }

    /**
     * Puts the keys this replica kept alone into Redis again, unless another replica's is there now, so a
     * resend to any replica finds them. A key that fails again stays here for the next return.
     */
    private void writeBack() {
        for (String key : List.copyOf(keptHere.asMap().keySet())) {
            local.get(key).subscribe().with(value -> {
                if (value == null) {
                    keptHere.invalidate(key);
                    return;
                }
                redis.putIfAbsent(key, value).subscribe().with(existing -> {
                    keptHere.invalidate(key);
                    if (existing != null && !existing.equals(value)) {
                        LOG.debugf("a key kept here while Redis was away was taken in Redis too: the shared one stays");
                    }
                }, again -> LOG.debugf("writing a key back to Redis failed (%s): kept here", again.getMessage()));
            });
        }
    }

    private boolean shared() {
        return redis != null && cluster.shared();
    }

    @Override
    public Uni<String> putIfAbsent(String key, String value) {
        if (redis == null) {
            return local.putIfAbsent(key, value);
        }
        if (!shared()) {
            return keptHere(key, local.putIfAbsent(key, value));
        }
        return redis.putIfAbsent(key, value).onFailure().recoverWithUni(down -> {
            LOG.debugf("Redis failed on a key (%s): kept on this replica", down.getMessage());
            return keptHere(key, local.putIfAbsent(key, value));
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

    private Uni<String> keptHere(String key, Uni<String> taken) {
        return taken.invoke(existing -> {
            if (existing == null) {
                keptHere.put(key, Boolean.TRUE);
            }
        });
    }

    /** While Redis is away: the key may have been taken in Redis before it went, so this replica keeps the news. */
    private boolean keepLocally(String key, String expected, String value) {
        keptHere.put(key, Boolean.TRUE);
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
