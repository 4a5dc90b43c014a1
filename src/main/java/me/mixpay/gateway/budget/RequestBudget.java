package me.mixpay.gateway.budget;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;

import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.config.GatewayConfig;

/**
 * The one MixPay request budget: every upstream call of every route group and merchant, retries
 * included, takes a call from it first. Without room, a call waits in the {@link BudgetQueue} for at
 * most the time it has left, then is refused with {@link BudgetExhausted}.
 * <p>
 * Where the count lives: in Redis when the cluster has one ({@link RedisBudgetLog}); else, or while
 * Redis is away, in this process ({@link LocalBudgetLog}), against the whole limit for a replica on its
 * own and against the limit divided by {@code gateway.cluster.max-replicas} for a member of a cluster. The local log
 * records every call this replica sent either way, so its share is counted against what it already
 * spent, and what Redis lost is written back when it returns. The gate never opens because a store
 * failed: the worst case is a replica spending only its share.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class RequestBudget {

    private static final Logger LOG = Logger.getLogger(RequestBudget.class);
    private static final BooleanSupplier ALWAYS_WANTED = () -> true;
    // Header names as Netty AsciiStrings, whose case-insensitive hash a header map computes once, not per lookup.
    static final CharSequence LIMIT_HEADER = HttpHeaders.createOptimized("x-ratelimit-limit");
    static final CharSequence REMAINING_HEADER = HttpHeaders.createOptimized("x-ratelimit-remaining");
    private final int limit;
    private final long windowMillis;
    private final LocalBudgetLog local;
    private final RedisBudgetLog shared;
    private final SharedTakes sharedTakes;
    private final ClusterLink cluster;
    private final Vertx vertx;
    private final BudgetQueue queue;
    private final BudgetMeters meters;
    private final AtomicLong serial = new AtomicLong();
    private final AtomicBoolean pumping = new AtomicBoolean();
    private final AtomicBoolean writeBackDue = new AtomicBoolean();
    private final AtomicBoolean writingBack = new AtomicBoolean();
    /** How long a call counts: the window plus the send margin. */
    private final long countedMillis;
    /** Until when this replica's calls need its local share as well as Redis' room (see {@link #rejoiningTake}). */
    private volatile long rejoiningUntil;
    private volatile boolean again;
    /** Per class, until when the last answer said it has no room; no store is asked before then. */
    private final AtomicLongArray blockedUntil = new AtomicLongArray(Priority.values().length);
    private final AtomicLong wakeAt = new AtomicLong(Long.MAX_VALUE);
    private volatile long wakeTimer = -1;
    /** The window as the store last described it: what the gauges show and what MixPay's remaining is compared with. */
    private volatile int lastUsed;
    private volatile int lastLimit;
    private volatile int mixpayRemaining = -1;

    RequestBudget(GatewayConfig config, ClusterLink cluster, io.micrometer.core.instrument.MeterRegistry registry) {
        GatewayConfig.Budget budget = config.budget();
        BudgetShares shares = new BudgetShares(budget.criticalReserve(), budget.normalReserve());
        this.limit = budget.limit();
        this.windowMillis = budget.window().toMillis();
        this.lastLimit = limit;
        // Each call counts for the window plus the send margin; a 1429's pause is the window itself.
        this.countedMillis = windowMillis + budget.sendMargin().toMillis();
        this.local = new LocalBudgetLog(countedMillis, shares, System::currentTimeMillis);
        this.cluster = cluster;
        this.vertx = cluster.vertx();
        this.queue = new BudgetQueue(budget.maxWaiting());
        this.shared = cluster.redis().map(redis -> new RedisBudgetLog(redis, countedMillis, shares, cluster.replica())).orElse(null);
        // Redis' window holding fewer calls than this replica sent means it restarted empty: the next
        // heartbeat writes them back. Neither at once nor a rejoin: a local call outlives Redis' copy by the
        // grant's delay, so this is also seen at a window's edge with nothing lost.
        this.sharedTakes = shared == null ? null : new SharedTakes(shared, local, limit,
                () -> cluster.replica() + ":" + serial.incrementAndGet(), cluster::replicas, () -> writeBackDue.set(true));
        this.meters = new BudgetMeters(registry, this, queue);
        if (shared != null) {
            // Redis back after an outage: what this replica sent meanwhile goes back into the shared log now,
            // and until it has left the window the replica's share still bounds it.
            cluster.redis().ifPresent(redis -> redis.onChange(() -> {
                if (redis.up()) {
                    rejoiningUntil = System.currentTimeMillis() + countedMillis;
                    writeBack();
                }
            }));
            cluster.onTick(() -> {
                if (writeBackDue.getAndSet(false)) {
                    writeBack();
                }
                // The window's count as the other replicas fill it: a replica that sends nothing would
                // otherwise show the count of its own last call on the status page and the used gauge.
                shared.peek(limit).onSuccess(this::remember);
            });
        }
    }

    /**
     * Completes when the call may go to MixPay; fails with {@link BudgetExhausted} when no room comes
     * within {@code maxWaitMillis}.
     */
    public Uni<Void> acquire(Priority priority, String merchant, long maxWaitMillis) {
        return acquire(priority, merchant, maxWaitMillis, ALWAYS_WANTED);
    }

    /**
     * As {@link #acquire(Priority, String, long)}, for a call that may stop being wanted while it waits
     * (its request answered otherwise): such a call leaves the queue unserved, failing with
     * {@link BudgetExhausted} though counted as no refusal, and takes no call from the window.
     */
    public Uni<Void> acquire(Priority priority, String merchant, long maxWaitMillis, BooleanSupplier wanted) {
        return Uni.createFrom().emitter(emitter -> {
            long now = System.currentTimeMillis();
            Waiter waiter = new Waiter(priority, merchant, now + maxWaitMillis, wanted, emitter);
            if (queue.size() == 0 && turnNow(priority, now)) {
                // Nobody waits and the class has room as far as anyone knows: ask at once, with no timer
                // and no queue, which is every call while the budget has room.
                take(priority).onComplete(done -> {
                    Take take = done.result();
                    if (take.granted()) {
                        meters.granted(priority, 0);
                        emitter.complete(null);
                        return;
                    }
                    block(priority, System.currentTimeMillis() + take.waitMillis());
                    if (take.waitMillis() > maxWaitMillis) {
                        refuse(waiter, "MixPay's budget has no room before the request's time runs out", take.waitMillis());
                    } else {
                        enqueue(waiter, maxWaitMillis);
                    }
                });
                return;
            }
            enqueue(waiter, maxWaitMillis);
        });
    }

    /**
     * Whether a call of this class may ask the store at once. A low call also claims its class's turn
     * (the next one comes a spacing later, see {@link #pace}) before it asks, in one atomic step: two
     * look-ups arriving together on two event loops must not both find the turn free.
     */
    private boolean turnNow(Priority priority, long now) {
        int index = priority.ordinal();
        long until = blockedUntil.get(index);
        if (until > now) {
            return false;
        }
        if (priority != Priority.LOW) {
            return true;
        }
        long nextTurn = now + spacingMillis();
        if (!blockedUntil.compareAndSet(index, until, nextTurn)) {
            return false;
        }
        wakeAt(nextTurn);
        return true;
    }

    /**
     * Lets every waiting call whose request was answered meanwhile leave the queue now, rather than when
     * its turn would have come: the queue, its gauges and its turns then count only calls still wanted.
     */
    public void dropUnwanted() {
        queue.removeIf(EnumSet.allOf(Priority.class), waiter -> !waiter.wanted.getAsBoolean())
                .forEach(waiter -> refuse(waiter, "the request was answered while its call waited", 0));
    }

    private void enqueue(Waiter waiter, long maxWaitMillis) {
        if (!queue.offer(waiter)) {
            refuse(waiter, "as many calls wait for MixPay's budget on this replica as it allows", 1000);
            return;
        }
        waiter.timer = vertx.setTimer(Math.max(1, maxWaitMillis), fired -> {
            if (queue.remove(waiter)) {
                refuse(waiter, "no MixPay call could be had within the request's time", retryAfter(waiter.priority));
            }
        });
        pump();
    }

    /** Reads MixPay's rate-limit headers from a reply; believes them where they say less than the gateway's count. */
    public void observe(MultiMap replyHeaders) {
        int mixpayLimit = header(replyHeaders, LIMIT_HEADER);
        int remaining = header(replyHeaders, REMAINING_HEADER);
        if (remaining >= 0) {
            mixpayRemaining = remaining;
        }
        // Only news costs a store call: a limit other than the one in force, or fewer calls left than counted.
        boolean newLimit = mixpayLimit > 0 && Math.min(mixpayLimit, limit) != lastLimit;
        boolean fewerLeft = remaining >= 0 && remaining < lastLimit - lastUsed;
        if (!newLimit && !fewerLeft) {
            if (mixpayLimit > 0) {
                // No news to the store in force, but the local log must hear it too: a limit another replica
                // put in Redis is what the local share divides once Redis is away, and one MixPay keeps
                // repeating must not lapse there (it lapses only when MixPay stops saying it).
                local.observe(mixpayLimit, -1, limit);
            }
            return;
        }
        if (newLimit) {
            lastLimit = Math.min(mixpayLimit, limit);
        }
        local.observe(mixpayLimit, remaining, limit);
        if (cluster.shared()) {
            shared.observe(mixpayLimit, remaining, limit);
        }
    }

    /**
     * MixPay answered 1429: nothing goes to MixPay, from any replica, until a whole window has passed,
     * since MixPay says nothing of when its own window ends.
     */
    public void rateLimitedByMixPay() {
        meters.mixpayRateLimited();
        LOG.warnf("MixPay answered 1429: every call waits %d ms, the whole budget window", windowMillis);
        local.pause(windowMillis);
        if (cluster.shared()) {
            shared.pause(windowMillis);
        }
        blockAll(System.currentTimeMillis() + windowMillis);
    }

    private void pump() {
        again = true;
        if (pumping.compareAndSet(false, true)) {
            step();
        }
    }

    private void step() {
        again = false;
        Waiter head = queue.peek();
        long now = System.currentTimeMillis();
        if (head != null && !head.wanted.getAsBoolean()) {
            dropUnwanted();
            step();
            return;
        }
        if (head == null || blockedUntil.get(head.priority.ordinal()) > now) {
            finishPump();
            return;
        }
        take(head.priority).onComplete(done -> {
            Take take = done.result();
            if (take.granted()) {
                if (head.priority != Priority.CRITICAL) {
                    pace(head.priority);
                }
                if (queue.remove(head)) {
                    grant(head);
                } else {
                    // Withdrawn or timed out while the store granted it: spent all the same, as the window counts it.
                    meters.taken(head.priority);
                }
                step();
                return;
            }
            long readyAt = System.currentTimeMillis() + take.waitMillis();
            block(head.priority, readyAt);
            // Whoever cannot be served in its remaining time is told now, not at its deadline.
            List<Waiter> hopeless = queue.removeIf(EnumSet.range(head.priority, Priority.LOW), w -> w.deadlineMillis < readyAt);
            hopeless.forEach(w -> refuse(w, "MixPay's budget has no room before the request's time runs out", take.waitMillis()));
            finishPump();
        });
    }

    private void finishPump() {
        pumping.set(false);
        if (again && queue.peek() != null) {
            pump();
        }
    }

    /** One answer of the store in force, remembered as the window's latest description. */
    private Future<Take> take(Priority priority) {
        return askStore(priority).onSuccess(this::remember);
    }

    /** The window as the store last described it: what the used and limit gauges and the status page show. */
    private void remember(Take window) {
        lastUsed = window.used();
        lastLimit = window.limit();
    }

    /**
     * No call of this class, nor below, for the window's mean spacing of calls on this replica: after
     * every low call (its turn claimed before it asks, {@link #turnNow}), and after a normal call that
     * left the queue, that is once the window filled and calls wait. Creations are never paced.
     * <p>
     * Without it, a window that fills releases its waiters in clumps: every call queued while the window
     * was full goes the moment the clump of calls that filled it leaves, so calls leave again together
     * one window later, and the clumps perpetuate themselves with gaps between them in which nothing can
     * go. A creation that arrives in a gap waits for the next clump, past its time (the checkout benchmark
     * measured gaps of 6 s in a 10 s window), and the merchants a clump answers together create together:
     * a herd larger than the creations' reserve. Spread out, the window's calls leave one by one, and a
     * creation finds room within one spacing. Low calls were spread first, for the same herds: an
     * estimate coalescing many checkouts releases all their creations at once.
     */
    private void pace(Priority priority) {
        // A poll and a callback's check spend one share: paced apart, the two could leave at twice the pace.
        block(priority.firstOfShare(), System.currentTimeMillis() + spacingMillis());
    }

    private long spacingMillis() {
        return Math.max(1, windowMillis * Math.max(1, cluster.replicas()) / Math.max(1, lastLimit));
    }

    private Future<Take> askStore(Priority priority) {
        String member = cluster.replica() + ":" + serial.incrementAndGet();
        if (cluster.shared()) {
            if (System.currentTimeMillis() < rejoiningUntil) {
                return rejoiningTake(priority, member);
            }
            // Unreachable or too slow: this replica's share, counted against what it already sent.
            return sharedTakes.take(priority, member).recover(unreachable -> Future.succeededFuture(localTake(priority, member)));
        }
        return Future.succeededFuture(localTake(priority, member));
    }

    /**
     * For one counted window after Redis returns, a call needs room in both this replica's share and
     * Redis. Redis may lack what each replica sent while it was away (until written back; if it restarted
     * empty, nothing of it), so a grant from Redis alone could add a whole limit to a window the shares
     * already filled. Each replica held to its share until those calls have left the window keeps the
     * cluster within the limit, however late another replica writes its own back.
     */
    private Future<Take> rejoiningTake(Priority priority, String member) {
        Take share = localTake(priority, member);
        if (!share.granted()) {
            return Future.succeededFuture(share);
        }
        return sharedTakes.take(priority, member).map(answer -> {
            // Held in the local log while Redis was asked; a grant is counted there by SharedTakes itself.
            local.forget(member);
            return answer;
        }).recover(unreachable -> Future.succeededFuture(share));
    }

    /** The whole limit for a replica on its own; its share of the limit for a cluster member without Redis. */
    private Take localTake(Priority priority, String member) {
        return local.takeNow(priority, member, shared == null ? limit : localShare());
    }

    /**
     * A cluster member's part of the limit while Redis is away, rounded down: a share under one call is
     * none, since every replica rounding up to one could together pass the limit.
     */
    private int localShare() {
        return local.effectiveLimit(limit) / cluster.sharers();
    }

    /** After an outage or a restart of Redis: this replica's calls of the window go back where Redis lacks them. */
    private void writeBack() {
        if (!writingBack.compareAndSet(false, true)) {
            writeBackDue.set(true);
            return;
        }
        // Only this replica's own calls: what MixPay's headers made the local log count is MixPay's
        // word, which the shared log already has from the replica that heard it.
        String mine = cluster.replica() + ":";
        List<LocalBudgetLog.Entry> own = local.window().stream().filter(entry -> entry.member().startsWith(mine)).toList();
        shared.merge(own, System.currentTimeMillis()).onComplete(merged -> {
            writingBack.set(false);
            if (merged.failed()) {
                // Redis went away again: its return writes back. Still up: the next heartbeat tries again.
                if (cluster.shared()) {
                    writeBackDue.set(true);
                }
            } else if (merged.result() > 0) {
                LOG.infof("wrote %d calls of this replica back into the shared budget (Redis was away or restarted)", merged.result());
            }
        });
        // A pause MixPay asked for while Redis was away is shared once it is back.
        long paused = local.pausedForMillis();
        if (paused > 0) {
            shared.pause(paused);
        }
    }

    private void grant(Waiter waiter) {
        vertx.cancelTimer(waiter.timer);
        meters.granted(waiter.priority, System.nanoTime() - waiter.sinceNanos);
        waiter.emitter.complete(null);
    }

    private void refuse(Waiter waiter, String detail, long retryAfterMillis) {
        if (waiter.timer >= 0) {
            vertx.cancelTimer(waiter.timer);
        }
        if (waiter.wanted.getAsBoolean()) {
            // A call nobody wants any more was not refused: its request has its answer.
            meters.refused(waiter.priority);
        }
        waiter.emitter.fail(new BudgetExhausted(detail, Math.max(1000, retryAfterMillis)));
    }

    private long retryAfter(Priority priority) {
        return Math.max(1000, blockedUntil.get(priority.ordinal()) - System.currentTimeMillis());
    }

    /** No room for this class, nor any below it, before {@code readyAt}: wake the queue then. */
    private void block(Priority priority, long readyAt) {
        for (Priority p : EnumSet.range(priority, Priority.LOW)) {
            blockedUntil.accumulateAndGet(p.ordinal(), readyAt, Math::max);
        }
        wakeAt(readyAt);
    }

    private void blockAll(long readyAt) {
        block(Priority.CRITICAL, readyAt);
    }

    private synchronized void wakeAt(long at) {
        if (at >= wakeAt.get() && wakeTimer >= 0) {
            return;
        }
        if (wakeTimer >= 0) {
            vertx.cancelTimer(wakeTimer);
        }
        wakeAt.set(at);
        wakeTimer = vertx.setTimer(Math.max(1, at - System.currentTimeMillis()), fired -> wake());
    }

    private void wake() {
        long next = Long.MAX_VALUE;
        synchronized (this) {
            wakeTimer = -1;
            wakeAt.set(Long.MAX_VALUE);
            long now = System.currentTimeMillis();
            for (int i = 0; i < blockedUntil.length(); i++) {
                long until = blockedUntil.get(i);
                if (until <= now) {
                    blockedUntil.set(i, 0);
                } else {
                    next = Math.min(next, until);
                }
            }
        }
        if (next != Long.MAX_VALUE) {
            wakeAt(next);
        }
        pump();
    }

    private static int header(MultiMap headers, CharSequence name) {
        String value = headers.get(name);
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException unreadable) {
            return -1;
        }
    }

    // ---- what the meters, the status page and the health check read ----

    /** The limit in force on this replica: the cluster's with Redis, its local share while Redis is away. */
    public int limit() {
        if (cluster.shared()) {
            return lastLimit;
        }
        return shared == null ? local.effectiveLimit(limit) : localShare();
    }

    /** Calls in the current window: the cluster's as Redis last said, else this replica's own. */
    public int used() {
        return cluster.shared() ? lastUsed : local.used();
    }

    public int remaining() {
        return Math.max(0, limit() - used());
    }

    public int mixpayRemaining() {
        return mixpayRemaining;
    }

    /**
     * Why a call that finds no room now would wait, for its trace: MixPay's 1429 pause, this replica's
     * local share while Redis is away, or the window being full.
     */
    public String shortageReason() {
        if (local.pausedForMillis() > 0) {
            return "mixpay_pause";
        }
        return "local-share".equals(cluster.mode()) ? "local_share" : "window_full";
    }

    public long pausedForMillis() {
        return local.pausedForMillis();
    }

    public int waiting(Priority priority) {
        return queue.size(priority);
    }

    public long windowMillis() {
        return windowMillis;
    }

    public String mode() {
        return cluster.mode();
    }

    public int replicas() {
        return cluster.replicas();
    }

    /**
     * Whether a call of this class would go at once, as far as this replica knows: nobody of its class
     * or above waits (the queue serves those first; a look-up refreshing in the background waits behind
     * polls, not in front of them) and no store answer said the class is full. A cache with an older
     * answer prefers it to a wait.
     */
    public boolean roomFor(Priority priority) {
        return queue.sizeAtOrAbove(priority) == 0 && blockedUntil.get(priority.ordinal()) <= System.currentTimeMillis();
    }
}
