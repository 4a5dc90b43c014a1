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

    private final Priority priority;
    private final long ttlMillis;
    private final long staleMillis;
    private final double revalidate;
    private final boolean polls;
    private final long minIntervalMillis;
    private final long maxIntervalMillis;
    private final long finalMillis;
    private final RequestBudget budget;

    CachePolicy(RouteGroupConfig config, Priority priority, RequestBudget budget) {
        this.priority = priority;
        this.budget = budget;
        this.ttlMillis = config.cache().ttl().toMillis();
        this.staleMillis = config.cache().maxStale().toMillis();
        this.revalidate = Math.max(0, Math.min(1, config.cache().revalidate()));
        this.polls = config.poll().enabled();
        this.minIntervalMillis = config.poll().minInterval().toMillis();
        this.maxIntervalMillis = Math.max(minIntervalMillis, config.poll().maxInterval().toMillis());
        this.finalMillis = config.poll().finalTtl().toMillis();
    }

    /** Whether the group keeps replies at all; when not, identical GETs in flight are still coalesced. */
    boolean stores() {
        return polls ? minIntervalMillis > 0 || finalMillis > 0 : ttlMillis > 0;
    }

    long staleMillis() {
        return staleMillis;
    }

    /**
     * A pending poll's answer is fresh for this long. From half of the class's share of the window used,
     * the interval grows with the fill up to {@code max-interval}: polls give way before the budget is
     * gone, and creations, which keep their reserve, never wait for them.
     */
    long pollIntervalMillis() {
        double pressure = Math.max(0, Math.min(1, (budget.fill(priority) - 0.5) / 0.5));
        return minIntervalMillis + Math.round((maxIntervalMillis - minIntervalMillis) * pressure);
    }

    boolean polls() {
        return polls;
    }

    /** The hit that may refresh an entry in the background: look-ups only; a poll's interval is its pace. */
    boolean revalidates(CachedReply entry, long now) {
        return !polls && entry.endingAt(now, revalidate);
    }

    /** How long this reply answers the same GET; 0 when it must not be kept. */
    long freshMillis(UpstreamReply reply) {
        if (reply.status() != 200 || !reply.inspection().isSuccess() || reply.headers().contains(HttpHeaders.SET_COOKIE)) {
            return 0;
        }
        String control = reply.headers().get(HttpHeaders.CACHE_CONTROL);
        if (control != null) {
            String directives = control.toLowerCase(Locale.ROOT);
            if (directives.contains("no-store") || directives.contains("private")) {
                return 0;
            }
        }
        if (polls) {
            return PollAnswer.isFinal(reply) ? finalMillis : pollIntervalMillis();
        }
        return ttlMillis;
    }
}
