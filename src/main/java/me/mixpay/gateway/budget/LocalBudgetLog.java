package me.mixpay.gateway.budget;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

import io.vertx.core.Future;

/**
 * The budget's log in this process: the embedded store of a replica without Redis, and, with Redis,
 * the replica's own record of what it sent, which is what its local share is counted against while
 * Redis is away and what it writes back into Redis when Redis returns (or restarts empty).
 * <p>
 * Guarded by its own monitor: every step is a few comparisons on at most {@code limit} entries.
 */
final class LocalBudgetLog implements BudgetLog {

    /** A call in the window: when it was taken, its unique name and its class (low for calls of others MixPay told of). */
    record Entry(long atMillis, String member, Priority priority) {
    }

    private final long windowMillis;
    private final BudgetShares shares;
    private final LongSupplier clock;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Normal calls in the window: the normal reserve is held against what polls have not used of it. */
    private int normalCalls;
    private long pausedUntil;
    /** MixPay's own x-ratelimit-limit when lower than the configured one, until it is stale. */
    private int mixpayLimit = Integer.MAX_VALUE;
    private long mixpayLimitUntil;
    private long phantoms;

    LocalBudgetLog(long windowMillis, BudgetShares shares, LongSupplier clock) {
        this.windowMillis = windowMillis;
        this.shares = shares;
        this.clock = clock;
    }

    @Override
    public synchronized Future<Take> take(Priority priority, String member, int configuredLimit) {
        return Future.succeededFuture(takeNow(priority, member, configuredLimit));
    }

    synchronized Take takeNow(Priority priority, String member, int configuredLimit) {
        long now = clock.getAsLong();
        prune(now);
        int limit = limit(configuredLimit, now);
        int used = entries.size();
        if (pausedUntil > now) {
            return new Take(false, pausedUntil - now, used, limit);
        }
        if (limit <= 0) {
            return new Take(false, windowMillis, used, limit);
        }
        int ceiling = shares.ceiling(priority, limit, normalCalls);
        if (used < ceiling) {
            add(new Entry(now, member, priority));
            return new Take(true, 0, used + 1, limit);
        }
        // Room for this class comes back when the entry that puts the window at its ceiling leaves; for a
        // low call perhaps later, if the polls' calls that left meanwhile were within their reserve (which
        // is then held for them again): the queue asks again then.
        Entry blocking = nth(used - ceiling);
        return new Take(false, Math.max(1, blocking.atMillis() + windowMillis - now), used, limit);
    }

    /** Counts a call that another log granted (Redis), so the local share knows what this replica sent. */
    synchronized void record(String member, Priority priority) {
        long now = clock.getAsLong();
        prune(now);
        add(new Entry(now, member, priority));
    }

    /** Removes one call of this name, a take that another log (Redis) answered for in the end. */
    synchronized void forget(String member) {
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entry.member().equals(member)) {
                it.remove();
                if (entry.priority().spendsNormalShare()) {
                    normalCalls--;
                }
                return;
            }
        }
    }

    @Override
    public synchronized Future<Void> observe(int mixpayLimit, int mixpayRemaining, int configuredLimit) {
        long now = clock.getAsLong();
        prune(now);
        if (mixpayLimit > 0) {
            // MixPay repeats its limit on every reply: the latest one holds (never above the configured
            // limit), and a lowered one lapses if MixPay stops saying it.
            this.mixpayLimit = mixpayLimit;
            this.mixpayLimitUntil = now + 10 * windowMillis;
        }
        if (mixpayRemaining >= 0) {
            int missing = limit(configuredLimit, now) - entries.size() - mixpayRemaining;
            for (int i = 0; i < missing; i++) {
                add(new Entry(now, "mixpay-said-" + (phantoms++), Priority.LOW));
            }
        }
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> pause(long millis) {
        pausedUntil = Math.max(pausedUntil, clock.getAsLong() + millis);
        return Future.succeededFuture();
    }

    /** Calls in the current window. */
    synchronized int used() {
        prune(clock.getAsLong());
        return entries.size();
    }

    synchronized long pausedForMillis() {
        return Math.max(0, pausedUntil - clock.getAsLong());
    }

    /** This window's entries, oldest first, with their ages, for writing back into Redis. */
    synchronized List<Entry> window() {
        prune(clock.getAsLong());
        return new ArrayList<>(entries);
    }

    int effectiveLimit(int configuredLimit) {
        synchronized (this) {
            return limit(configuredLimit, clock.getAsLong());
        }
    }

    private int limit(int configuredLimit, long now) {
        return now < mixpayLimitUntil ? Math.min(configuredLimit, mixpayLimit) : configuredLimit;
    }

    private void add(Entry entry) {
        entries.addLast(entry);
        if (entry.priority().spendsNormalShare()) {
            normalCalls++;
        }
    }

    private void prune(long now) {
        while (!entries.isEmpty() && entries.peekFirst().atMillis() <= now - windowMillis) {
            if (entries.pollFirst().priority().spendsNormalShare()) {
                normalCalls--;
            }
        }
    }

    private Entry nth(int index) {
        Iterator<Entry> it = entries.iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        return it.next();
    }
}
