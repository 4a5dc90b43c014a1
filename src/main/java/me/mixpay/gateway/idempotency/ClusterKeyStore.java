package me.mixpay.gateway.idempotency;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.cluster.UnconfirmedWrite;

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
    /**
     * Keys written here while Redis failed (down, or no replica confirmed), written back when it returns;
     * each with whether a creation under it asks MixPay first ({@link #askMixPayFirst}).
     */
    private final Cache<String, Boolean> keptHere;
    private final long askWithinMillis;
    private volatile long returnedAt;
    private volatile boolean answeredBeforeOutage;

    ClusterKeyStore(ClusterLink cluster, IdempotencyConfig config) {
        this.cluster = cluster;
        this.askWithinMillis = config.inFlightLease().toMillis();
        this.local = new EmbeddedKeyStore(config.ttl(), config.maxKeys());
        this.redis = cluster.redis().map(link -> new RedisKeyStore(link, config.ttl())).orElse(null);
        this.keptHere = Caffeine.newBuilder().maximumSize(config.maxKeys()).expireAfterWrite(config.ttl()).build();
        cluster.redis().ifPresent(link -> link.onChange(() -> {
            if (!link.up()) {
                // A replica whose first command timed out at start has kept no key from anyone.
                answeredBeforeOutage = link.lastAnswerMillis() > 0;
            } else {
                if (answeredBeforeOutage) {
                    returnedAt = System.currentTimeMillis();
                }
                writeBack();
            }
        }));
    }

    /**
     * A key kept here while Redis failed, or taken in Redis within an in-flight lease of its return:
     * another replica may have kept the same key to itself in the outage and not written it back yet.
     */
    @Override
    public boolean askMixPayFirst(String key) {
        return Boolean.TRUE.equals(keptHere.getIfPresent(key))
                || (returnedAt > 0 && System.currentTimeMillis() - returnedAt < askWithinMillis);
    }

    /**
     * Whether a key taken here now, with Redis failing, asks MixPay first: only within an in-flight lease
     * of Redis' last answer. A resend straddling a failover finds its first attempt's key in Redis or finds
     * MixPay's payment; a replica that has not seen Redis for longer pays no extra call for every creation
     * of a long outage (docs/exactly-once.md says what that leaves to MixPay's own uniqueness).
     */
    private boolean askFirst() {
        long last = cluster.redis().map(link -> link.lastAnswerMillis()).orElse(0L);
        return last > 0 && System.currentTimeMillis() - last < askWithinMillis;
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
        return redis.putIfAbsent(key, value).onFailure(UnconfirmedWrite.class).recoverWithItem(unconfirmed -> {
            // Redis' answer stands; a copy is kept to write back if a failover loses it.
            String existing = RedisKeyStore.text(((UnconfirmedWrite) unconfirmed).reply());
            if (existing == null) {
                local.put(key, value);
                keptHere.put(key, Boolean.FALSE);
            }
            return existing;
        }).onFailure().recoverWithUni(down -> {
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
            return Uni.createFrom().item(() -> keepLocally(key, expected, value, askFirst()));
        }
        return redis.replace(key, expected, value).onFailure(UnconfirmedWrite.class).recoverWithItem(unconfirmed -> {
            Response reply = ((UnconfirmedWrite) unconfirmed).reply();
            boolean replaced = reply != null && reply.toInteger() == 1;
            if (replaced) {
                keepLocally(key, expected, value, false);
            }
            return replaced;
        }).onFailure().recoverWithItem(down -> keepLocally(key, expected, value, askFirst()));
    }

    private Uni<String> keptHere(String key, Uni<String> taken) {
        return taken.invoke(existing -> {
            if (existing == null) {
                keptHere.put(key, askFirst());
            }
        });
    }

    /** While Redis is away: the key may have been taken in Redis before it went, so this replica keeps the news. */
    private boolean keepLocally(String key, String expected, String value, boolean askFirst) {
        keptHere.put(key, askFirst);
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
