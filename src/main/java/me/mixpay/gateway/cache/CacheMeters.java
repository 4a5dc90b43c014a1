package me.mixpay.gateway.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code mixpay_gateway_cache_*}: how many MixPay calls the cache saved, and what it holds. Labels are
 * the route group and a handful of fixed words, so the series stay few.
 */
final class CacheMeters {

    /** How a cacheable GET was answered: the words of {@code X-Gateway-Cache}. */
    static final String HIT = "hit";
    static final String MISS = "miss";
    static final String STALE = "stale";
    static final String COALESCED = "coalesced";
    private static final String REFRESHED = "refreshed";
    private static final String FAILED = "failed";
    private static final String REPLIES = "mixpay.gateway.cache.replies";
    private static final String REPLIES_HELP = "Cacheable GETs by how they were answered";
    private static final String REVALIDATIONS = "mixpay.gateway.cache.revalidations";
    private static final String REVALIDATIONS_HELP = "Background refreshes of cached replies near their end";

    private final MeterRegistry registry;
    private final Counter answeredWaiting;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> pollAges = new ConcurrentHashMap<>();

    CacheMeters(MeterRegistry registry, ReplyStore store) {
        this.registry = registry;
        Gauge.builder("mixpay.gateway.cache.entries", store, ReplyStore::entries)
                .description("Replies this replica's cache holds").register(registry);
        Gauge.builder("mixpay.gateway.cache.weight", store, ReplyStore::weight).baseUnit("bytes")
                .description("What the cached replies weigh against gateway.cache.max-bytes").register(registry);
        answeredWaiting = Counter.builder("mixpay.gateway.callbacks.polls.answered")
                .description("Polls waiting for MixPay that the payment's verified callback answered instead").register(registry);
    }

    /** A poll that waited for MixPay got its payment's verified answer instead (counted as a hit too). */
    void answeredWaiting() {
        answeredWaiting.increment();
    }

    /** Every series of a group exists from start-up, so dashboards and alerts see zeros, not gaps. */
    void register(String route, boolean revalidates) {
        for (String result : new String[] { HIT, MISS, STALE, COALESCED }) {
            counter(REPLIES, REPLIES_HELP, route, "result", result);
        }
        if (revalidates) {
            for (String outcome : new String[] { REFRESHED, FAILED }) {
                counter(REVALIDATIONS, REVALIDATIONS_HELP, route, "outcome", outcome);
            }
        }
    }

    void pollInterval(String route, CachePolicy policy) {
        Gauge.builder("mixpay.gateway.poll.interval", policy, p -> p.pollIntervalMillis() / 1000.0).baseUnit("seconds")
                .tag("route", route)
                .description("How long a pending payment status is reused now: poll.min-interval, stretched while the budget is short")
                .register(registry);
        // Buckets at the freshness a merchant notices: one poll (2 s), a few, and the pacing's ceiling.
        pollAges.put(route, DistributionSummary.builder("mixpay.gateway.poll.answer.age").baseUnit("seconds").tag("route", route)
                .description("How old the payment status a poll was answered with is: 0 when MixPay was just asked, else the cached answer's Age")
                .serviceLevelObjectives(2, 5, 10, 20, 30).register(registry));
    }

    /** A poll answered with a status this many seconds old. */
    void pollAnswered(String route, long ageSeconds) {
        DistributionSummary ages = pollAges.get(route);
        if (ages != null) {
            ages.record(ageSeconds);
        }
    }

    /** One answer: hit, miss, stale or coalesced. */
    void answered(String route, String result) {
        counter(REPLIES, REPLIES_HELP, route, "result", result).increment();
    }

    /** A background refresh of an entry near its end: refreshed or failed. */
    void revalidated(String route, boolean refreshed) {
        counter(REVALIDATIONS, REVALIDATIONS_HELP, route, "outcome", refreshed ? REFRESHED : FAILED).increment();
    }

    private Counter counter(String name, String description, String route, String tag, String value) {
        return counters.computeIfAbsent(name + '|' + route + '|' + value, absent -> Counter.builder(name)
                .description(description).tag("route", route).tag(tag, value).register(registry));
    }
}
