package me.mixpay.gateway.budget;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * This replica's calls from the cluster's budget in Redis: one script per call while the window's
 * room is scarce (MixPay's real budget, always), batches ({@link LeasedCalls}) while it has room for
 * {@link #LEASE_ROOM} batches per replica. A batch holds about {@link LeasedCalls#SPAN_MILLIS} of the
 * class's calls and is valid {@link #LEASE_MILLIS}; the next is asked for while no more than a batch
 * is left, and every call that finds none left waits for that one batch rather than asking Redis itself.
 * Fails when Redis does: the caller falls back to its local share.
 */
final class SharedTakes {

    static final int LEASE_ROOM = 100;
    static final long LEASE_MILLIS = 100;

    private final RedisBudgetLog redis;
    private final LocalBudgetLog sent;
    private final int limit;
    private final Supplier<String> names;
    private final IntSupplier replicas;
    private final Runnable restartSeen;
    private final LeasedCalls leases = new LeasedCalls();
    /** Per class, the batch on its way from Redis, or null. */
    private final AtomicReferenceArray<Future<RedisBudgetLog.Lease>> fetching = new AtomicReferenceArray<>(Priority.values().length);
    /** The cluster's window as Redis last described it, which a call from a batch in hand repeats. */
    private volatile int heardUsed;
    private volatile int heardLimit;

    /**
     * @param sent this replica's own record of its calls: every call it takes from Redis goes there
     * @param names a new unique member name on each call
     * @param restartSeen called when Redis' window holds fewer calls than this replica alone sent in it
     */
    SharedTakes(RedisBudgetLog redis, LocalBudgetLog sent, int limit, Supplier<String> names, IntSupplier replicas, Runnable restartSeen) {
        this.redis = redis;
        this.sent = sent;
        this.limit = limit;
        this.names = names;
        this.replicas = replicas;
        this.restartSeen = restartSeen;
        this.heardLimit = limit;
    }

    Future<Take> take(Priority priority, String member) {
        return fromBatchOrRedis(priority, member, true);
    }

    private Future<Take> fromBatchOrRedis(Priority priority, String member, boolean asked) {
        LeasedCalls.Handout leased = leases.poll(priority, asked);
        if (leased.member() != null) {
            sent.record(leased.member(), priority);
            if (leased.refillDue()) {
                // Asked for while a batch is still in hand, so calls keep going from it meanwhile: none
                // waits on Redis' round trip.
                fetchBatch(priority, batch(priority));
            }
            return Future.succeededFuture(new Take(true, 0, heardUsed, heardLimit));
        }
        int wanted = batch(priority);
        if (wanted > 1) {
            // No leased call left: wait for the batch on its way (or ask for one), then try again.
            return fetchBatch(priority, wanted)
                    .compose(batch -> batch.calls() == 0 ? Future.succeededFuture(batch.take()) : fromBatchOrRedis(priority, member, false));
        }
        return redis.take(priority, member, limit).onSuccess(take -> {
            if (take.granted()) {
                sent.record(member, priority);
            }
            heard(take);
        });
    }

    /** How many calls the next batch of this class asks for: 1 unless the window has room for far more. */
    private int batch(Priority priority) {
        long room = (long) heardLimit - heardUsed;
        return leases.batch(priority, (int) Math.min(Integer.MAX_VALUE, room / ((long) LEASE_ROOM * replicas.getAsInt())));
    }

    /** The batch of this class on its way, or a new one of {@code wanted} calls: one at a time per class. */
    private Future<RedisBudgetLog.Lease> fetchBatch(Priority priority, int wanted) {
        int slot = priority.ordinal();
        Promise<RedisBudgetLog.Lease> mine = Promise.promise();
        while (!fetching.compareAndSet(slot, null, mine.future())) {
            Future<RedisBudgetLog.Lease> other = fetching.get(slot);
            if (other != null) {
                return other;
            }
        }
        String member = names.get();
        long askedAt = System.nanoTime();
        redis.lease(priority, member, limit, Math.max(2, wanted), LEASE_MILLIS).onComplete(done -> {
            if (done.succeeded()) {
                RedisBudgetLog.Lease batch = done.result();
                leases.add(priority, member, 1, batch.calls(), wanted, askedAt + TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS));
                heard(batch.take());
            }
            // Cleared before the waiters go on, so that those finding no call left ask for a new batch.
            fetching.set(slot, null);
            mine.handle(done);
        });
        return mine.future();
    }

    private void heard(Take take) {
        heardUsed = take.used();
        heardLimit = take.limit();
        // The cluster's window cannot hold fewer calls than this replica alone sent in it: if it does,
        // Redis restarted empty.
        if (take.used() < sent.used()) {
            restartSeen.run();
        }
    }
}
