package me.mixpay.gateway.cache;

import java.util.Locale;

import io.vertx.core.http.HttpHeaders;

import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.budget.RequestBudget;
import me.mixpay.gateway.config.RouteGroupConfig;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * What one route group's cache keeps and for how long: look-ups for their TTL; payment polls for the
 * (budget-paced) poll interval while pending and for the final TTL once final.
 */
final class CachePolicy {

    private final long ttlMillis;
    private final long staleMillis;
    private final double revalidate;
    private final boolean polls;
    private final long minIntervalMillis;
    private final long maxIntervalMillis;
    private final long finalMillis;
    private final double pollShare;
    private final PendingPolls pending;
    private final RequestBudget budget;
    private final Priority priority;

    CachePolicy(RouteGroupConfig config, RequestBudget budget) {
        this.budget = budget;
        this.priority = config.priority();
        this.pollShare = Math.max(0.01, Math.min(1, config.poll().budgetShare()));
        this.ttlMillis = config.cache().ttl().toMillis();
        this.staleMillis = config.cache().maxStale().toMillis();
        this.revalidate = Math.max(0, Math.min(1, config.cache().revalidate()));
        this.polls = config.poll().enabled();
        this.minIntervalMillis = config.poll().minInterval().toMillis();
        this.maxIntervalMillis = Math.max(minIntervalMillis, config.poll().maxInterval().toMillis());
        this.finalMillis = config.poll().finalTtl().toMillis();
        this.pending = new PendingPolls(maxIntervalMillis);
    }

    /** Whether the group keeps replies at all; when not, identical GETs in flight are still coalesced. */
    boolean stores() {
        return polls ? minIntervalMillis > 0 || finalMillis > 0 : ttlMillis > 0;
    }

    /**
     * A pending poll's answer is fresh for this long: the payments being polled share
     * {@code poll.budget-share} of the budget, so the interval grows with their number (within
     * {@code min-interval} and {@code max-interval}) and polls give way before any creation waits.
     */
    long pollIntervalMillis() {
        // Each replica counts the payments polled through it, so it takes its replica's part of the share.
        double callsPerWindow = Math.max(1, pollShare * budget.limit() / Math.max(1, budget.replicas()));
        long paced = (long) Math.ceil(pending.count() * budget.windowMillis() / callsPerWindow);
        return Math.max(minIntervalMillis, Math.min(maxIntervalMillis, paced));
    }

    /** A poll of a payment not yet final: it counts among those sharing the poll budget for a while. */
    void polled(CacheKey key) {
        pending.polled(key);
    }

    /** The payment's status is final: it no longer takes a share. */
    void settled(CacheKey key) {
        pending.settled(key);
    }

    boolean polls() {
        return polls;
    }

    /**
     * The budget class of a request of this group that no entry can answer: {@code normal} for a look-up
     * of the {@code low} class, the group's own for anything else (a poll's is already normal, and a
     * group classed higher keeps its class).
     */
    Priority classWhenNothingAnswers() {
        return !polls && priority == Priority.LOW ? Priority.NORMAL : priority;
    }

    /** The hit that may refresh an entry in the background: look-ups only; a poll's interval is its pace. */
    boolean revalidates(CachedReply entry, long now) {
        return !polls && entry.endingAt(now, revalidate);
    }

    /**
     * Whether the entry still answers without MixPay: a pending poll by the interval in force now, or by the
     * longest interval while the payment's callback is expected (it makes the answer fresh when it comes).
     */
    boolean freshAt(CachedReply entry, long now, boolean callbackExpected) {
        if (!entry.paced()) {
            return entry.freshAt(now);
        }
        return entry.youngerThan(callbackExpected ? maxIntervalMillis : pollIntervalMillis(), now);
    }

    /**
     * Whether an entry past its freshness may stand in for MixPay's answer, which cannot be had now
     * (no budget, maintenance, a failure): a look-up's while it is usable stale; a pending payment's
     * only while it is no older than twice the interval in force plus what this request already
     * waited, so a poller is never handed a status older than its pace explains.
     */
    boolean standsIn(CachedReply entry, long now, long waitedMillis) {
        return entry.usableStaleAt(now) && (!entry.paced() || now - entry.storedAt() <= 2 * pollIntervalMillis() + waitedMillis);
    }

    /** The entry to keep for this reply, or null when it must not be kept. */
    CachedReply entryFor(UpstreamReply reply, long now) {
        if (!storable(reply)) {
            return null;
        }
        if (!polls) {
            return ttlMillis > 0 ? CachedReply.of(reply, now, ttlMillis, staleMillis, false) : null;
        }
        if (PollAnswer.isFinal(reply)) {
            return finalMillis > 0 ? CachedReply.of(reply, now, finalMillis, staleMillis, false) : null;
        }
        // A pending answer is kept for the longest the pacing may stretch to, and judged when read.
        return minIntervalMillis > 0 ? CachedReply.of(reply, now, maxIntervalMillis, staleMillis, true) : null;
    }

    /** Only success envelopes, and nothing MixPay marked as one caller's own. */
    private static boolean storable(UpstreamReply reply) {
        if (reply.status() != 200 || !reply.inspection().isSuccess() || reply.headers().contains(HttpHeaders.SET_COOKIE)) {
            return false;
        }
        String control = reply.headers().get(HttpHeaders.CACHE_CONTROL);
        if (control == null) {
            return true;
        }
        String directives = control.toLowerCase(Locale.ROOT);
        return !directives.contains("no-store") && !directives.contains("private");
    }
}
