package me.mixpay.gateway.relay;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.callback.CallbackConfig;
import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.trace.Traces;

/**
 * Verified callbacks delivered to the merchants who asked for them (docs/callbacks.md, "The relay"),
 * as webhook relays deliver: signed per Standard Webhooks, each event with a stable id, at least once,
 * retried with exponential backoff and jitter for hours, then kept as a dead letter an operator can send
 * again. Events live in Redis when configured, so a replica's death loses none: its lease runs out and
 * another replica delivers. Every replica looks for due deliveries every {@code delivery.poll-interval}.
 */
@Startup
@Singleton
public class CallbackRelay {

    private static final Logger LOG = Logger.getLogger(CallbackRelay.class);
    private static final int SIZES_EVERY_TICKS = 10;

    private final CallbackConfig.Delivery config;
    private final ClusterLink cluster;
    private final DeliveryQueue memory;
    private final DeliveryQueue redis;
    private final AllowedTargets allowed;
    private final MerchantDelivery delivery;
    private final RelayMeters meters;
    private final long rememberMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Ticks since the gauges were last read from the store: counting every mailbox is not for every tick. */
    private int sinceSizes;
    private final long timer;

    CallbackRelay(CallbackConfig config, ClusterLink cluster, RelayMeters meters, Traces traces) {
        this.config = config.delivery();
        this.cluster = cluster;
        this.meters = meters;
        this.rememberMillis = config.recordTtl().toMillis();
        this.allowed = new AllowedTargets(config.allowedTargets().orElse(List.of()), config.merchantTargets());
        WebhookSigner signer = new WebhookSigner(config.signingSecret().orElse(List.of()));
        if (allowed.any() && !signer.signs()) {
            throw new IllegalStateException("gateway.callbacks.signing-secret (GATEWAY_CALLBACKS_SIGNING_SECRET) must be set "
                    + "when gateway.callbacks.allowed-targets allows any target: merchants verify relayed callbacks by it");
        }
        this.memory = new MemoryDeliveryQueue(config.recordTtl(), config.maxRecords());
        this.redis = cluster.redis().map(RedisDeliveryQueue::new).orElse(null);
        this.delivery = new MerchantDelivery(cluster.vertx(), allowed, signer, this.config.timeout(), this.config.concurrency(), traces);
        this.timer = allowed.any() ? cluster.vertx().setPeriodic(this.config.pollInterval().toMillis(), tick -> deliverDue()) : -1;
    }

    /** Whether merchants' callbacks can be relayed at all: some target is allowed. */
    public boolean enabled() {
        return allowed.any();
    }

    /** Whether this merchant's creation may carry this callback URL. */
    public boolean allows(String merchant, String callbackUrl) {
        return allowed.allowsFor(merchant, callbackUrl);
    }

    public RelayMeters meters() {
        return meters;
    }

    /**
     * Queues a verified event for the merchant, once per id, where it outlives this replica: Redis when
     * configured, else (one replica) its memory. Completes when it is recorded: only then may MixPay be told
     * SUCCESS. With Redis configured and not answering it fails: this replica's memory would lose the event
     * with the replica, while MixPay, told to try again, keeps it for hours (docs/callbacks.md).
     */
    public Uni<Void> relay(String id, String ref, String target, JsonObject body, String creationTrace) {
        RelayEvent event = new RelayEvent(id, ref, target, body.encode(), System.currentTimeMillis(), 0, 0, null, creationTrace);
        long now = System.currentTimeMillis();
        Uni<Boolean> added;
        if (redis == null) {
            added = memory.add(event, now, rememberMillis);
        } else if (shared()) {
            added = redis.add(event, now, rememberMillis);
        } else {
            added = Uni.createFrom().failure(new IllegalStateException("Redis is not answering"));
        }
        return added.invoke(fresh -> {
            if (fresh) {
                meters.accepted();
            }
        }).replaceWithVoid();
    }

    private boolean shared() {
        return redis != null && cluster.shared();
    }

    /** One tick: takes what is due, up to the free concurrency, from this replica's queue and the cluster's. */
    void deliverDue() {
        int free = config.concurrency() - inFlight.get();
        if (free <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        long leaseUntil = now + config.lease().toMillis();
        take(memory, now, leaseUntil, free).chain(taken -> shared() && taken < free ? take(redis, now, leaseUntil, free - taken)
                : Uni.createFrom().item(taken))
                .subscribe().with(taken -> {
                    if (++sinceSizes >= SIZES_EVERY_TICKS) {
                        sinceSizes = 0;
                        refreshSizes();
                    }
                }, failure -> LOG.debugf("taking due callbacks failed: %s", failure.getMessage()));
    }

    /** Starts the due deliveries of one queue; how many it started. */
    private Uni<Integer> take(DeliveryQueue queue, long now, long leaseUntil, int max) {
        return queue.take(now, leaseUntil, max).map(events -> {
            events.forEach(event -> deliver(queue, event));
            return events.size();
        });
    }

    private void deliver(DeliveryQueue queue, RelayEvent event) {
        inFlight.incrementAndGet();
        delivery.send(event).chain(outcome -> settle(queue, event, outcome))
                .onTermination().invoke(inFlight::decrementAndGet)
                .subscribe().with(done -> {
                }, failure -> LOG.warnf("a relayed callback's outcome could not be kept (%s): it is tried again after its lease",
                        failure.getMessage()));
    }

    private Uni<Void> settle(DeliveryQueue queue, RelayEvent event, MerchantDelivery.Outcome outcome) {
        long now = System.currentTimeMillis();
        if (outcome.delivered()) {
            meters.tried("delivered");
            meters.delivered(now - event.createdAt());
            return queue.delivered(event, now);
        }
        RelayEvent failed = event.failedTry(outcome.status(), outcome.error());
        if (failed.attempts() >= config.maxAttempts()) {
            meters.tried("dead");
            LOG.warnf("relayed callback %s dead after %d tries: %s", event.id(), failed.attempts(), outcome.error());
            return queue.bury(failed, now);
        }
        meters.tried("failed");
        return queue.retry(failed, now + backoffMillis(failed.attempts()));
    }

    /** Exponential, doubling from the initial wait up to the longest, plus up to half of it at random. */
    long backoffMillis(int attempts) {
        long initial = config.initialBackoff().toMillis();
        long max = config.maxBackoff().toMillis();
        long wait = Math.min(max, initial << Math.min(30, Math.max(0, attempts - 1)));
        return wait + ThreadLocalRandom.current().nextLong(Math.max(1, wait / 2));
    }

    private void refreshSizes() {
        DeliveryQueue queue = shared() ? redis : memory;
        queue.sizes().subscribe().with(sizes -> meters.sizes(sizes[0], sizes[1]), failure -> {
        });
    }

    /** For the admin API: waiting events and dead letters, without bodies beyond the ids. */
    public Uni<JsonObject> describe(int max) {
        DeliveryQueue queue = shared() ? redis : memory;
        return queue.waiting(max).chain(waiting -> queue.dead(max).map(dead -> {
            io.vertx.core.json.JsonArray pending = new io.vertx.core.json.JsonArray();
            io.vertx.core.json.JsonArray failing = new io.vertx.core.json.JsonArray();
            waiting.forEach(due -> (due.event().attempts() > 0 ? failing : pending).add(due.event().describe(due.dueAt())));
            io.vertx.core.json.JsonArray buried = new io.vertx.core.json.JsonArray();
            dead.forEach(event -> buried.add(event.describe(null)));
            return new JsonObject().put("store", shared() ? "redis" : "memory").put("pending", pending).put("failing", failing)
                    .put("dead", buried);
        }));
    }

    /** Sends dead letters again from their first try: one by id, or all ({@code id} null). */
    public Uni<Integer> redeliver(String id) {
        DeliveryQueue queue = shared() ? redis : memory;
        long now = System.currentTimeMillis();
        return queue.redeliver(id, now).chain(count -> shared() ? memory.redeliver(id, now).map(more -> count + more)
                : Uni.createFrom().item(count));
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (timer >= 0) {
            cluster.vertx().cancelTimer(timer);
        }
    }
}
