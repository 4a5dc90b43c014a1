package me.mixpay.gateway.budget;

import java.util.EnumMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;

/**
 * {@code mixpay_gateway_budget_*} and {@code mixpay_gateway_cluster_*}: what on-call reads of the
 * budget. Labels are the three classes, nothing else.
 */
public final class BudgetMeters {

    /** Calls granted, by class: what the status page's budget chart stacks. */
    public static final String CALLS = "mixpay.gateway.budget.calls";

    /** A call counts as having waited when it got its call this long after asking, or later (metrics and traces alike). */
    public static final long WAITED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EnumMap<Priority, Counter> waits = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Timer> waitTime = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Counter> refusals = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Counter> calls = new EnumMap<>(Priority.class);
    private final Counter mixpayRateLimited;

    BudgetMeters(MeterRegistry registry, RequestBudget budget, BudgetQueue queue) {
        Gauge.builder("mixpay.gateway.budget.limit", budget, RequestBudget::limit)
                .description("MixPay calls allowed per budget window on this replica: the configured limit, or MixPay's lower x-ratelimit-limit; while Redis is away, this replica's share of it")
                .register(registry);
        Gauge.builder("mixpay.gateway.budget.used", budget, RequestBudget::used)
                .description("MixPay calls in the current window: the cluster's with Redis (read on every heartbeat and call), else this replica's").register(registry);
        Gauge.builder("mixpay.gateway.budget.remaining", budget, RequestBudget::remaining)
                .description("MixPay calls left in the current window").register(registry);
        Gauge.builder("mixpay.gateway.budget.mixpay.remaining", budget, RequestBudget::mixpayRemaining)
                .description("MixPay's last x-ratelimit-remaining (-1 before any)").register(registry);
        Gauge.builder("mixpay.gateway.budget.paused.seconds", budget, b -> b.pausedForMillis() / 1000.0)
                .description("Seconds left of the pause a 1429 from MixPay started").register(registry);
        Gauge.builder("mixpay.gateway.cluster.redis.up", budget, b -> "redis".equals(b.mode()) ? 1 : 0)
                .description("1 while the cluster's Redis answers, 0 while this replica uses its local share (or has no Redis)")
                .register(registry);
        Gauge.builder("mixpay.gateway.cluster.replicas", budget, RequestBudget::replicas)
                .description("Replicas seen at the last heartbeat (1 without Redis)").register(registry);
        for (Priority priority : Priority.values()) {
            String label = priority.label();
            waits.put(priority, Counter.builder("mixpay.gateway.budget.waits").tag("class", label)
                    .description("Calls that waited for budget").register(registry));
            waitTime.put(priority, Timer.builder("mixpay.gateway.budget.wait").tag("class", label)
                    .description("Time calls waited for budget").register(registry));
            calls.put(priority, Counter.builder(CALLS).tag("class", label)
                    .description("MixPay calls this replica took from the budget, by the class they were served in").register(registry));
            refusals.put(priority, Counter.builder("mixpay.gateway.budget.refusals").tag("class", label)
                    .description("Calls refused with budget_exhausted").register(registry));
            Gauge.builder("mixpay.gateway.budget.waiting", queue, q -> q.size(priority)).tag("class", label)
                    .description("Calls waiting for budget now, on this replica").register(registry);
        }
        mixpayRateLimited = Counter.builder("mixpay.gateway.budget.mixpay.rate.limited")
                .description("1429 replies received from MixPay").register(registry);
    }

    /** This replica's calls taken from the budget since it started, by class in {@link Priority} order. */
    public static double[] callsByClass(MeterRegistry registry) {
        double[] calls = new double[Priority.values().length];
        for (Priority priority : Priority.values()) {
            calls[priority.ordinal()] = Search.in(registry).name(CALLS).tag("class", priority.label()).counters().stream()
                    .mapToDouble(Counter::count).sum();
        }
        return calls;
    }

    /** A call taken from the budget, at once ({@code waitedNanos} 0) or after a wait. */
    void granted(Priority priority, long waitedNanos) {
        taken(priority);
        if (waitedNanos >= WAITED_NANOS) {
            waits.get(priority).increment();
            waitTime.get(priority).record(waitedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A call of the window, whether or not a request still waits for it. */
    void taken(Priority priority) {
        calls.get(priority).increment();
    }

    void refused(Priority priority) {
        refusals.get(priority).increment();
    }

    void mixpayRateLimited() {
        mixpayRateLimited.increment();
    }
}
